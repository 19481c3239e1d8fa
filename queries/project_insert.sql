-- project_insert: record one service project and return its new id.
-- params: $library_key, $touchpoint, $title, $description, $start_date, $end_date, $owner,
--         $expected_effect, $status, $notes (nullable ones may be null).
-- output: project_id.
insert into projects (project_id, library_key, touchpoint, title, description, start_date,
                      end_date, owner, expected_effect, status, notes)
values (nextval('project_ids'), $library_key, $touchpoint, $title, $description,
        cast($start_date as date), cast($end_date as date), $owner, $expected_effect,
        coalesce($status, 'active'), $notes)
returning project_id
