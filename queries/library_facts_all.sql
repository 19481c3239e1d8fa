-- library_facts_all: library facts (visits, staff FTE, staffed hours ...) of active uploads or typed in;
-- facts a newer forum package replaced are left out.
-- output: library_key, period, name, value, source.
select f.library_key, f.period, f.name, f.value, f.source
from library_facts f
left join uploads u using (upload_id)
where (f.upload_id is null or u.status = 'active') and f.superseded_by is null
order by f.library_key, f.period, f.name
