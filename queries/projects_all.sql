-- projects_all: every service project with its library's display name, oldest start first.
-- output: project_id, library_key, display_name, touchpoint, title, description, start_date,
--         end_date, owner, expected_effect, status, notes.
select p.project_id, p.library_key, coalesce(l.display_name, p.library_key) as display_name,
       p.touchpoint, p.title, p.description, p.start_date, p.end_date, p.owner,
       p.expected_effect, p.status, p.notes
from projects p
left join libraries l using (library_key)
order by p.start_date, p.project_id
