-- targets_all: every service-declaration target with its library's display name.
-- output: library_key, display_name, touchpoint ('' = overall), measure, target_value, source.
select t.library_key, coalesce(l.display_name, t.library_key) as display_name, t.touchpoint,
       t.measure, t.target_value, t.source
from targets t
left join libraries l using (library_key)
order by t.library_key, t.touchpoint, t.measure
