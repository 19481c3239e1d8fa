-- library_facts_all: library facts (visits, staff FTE, staffed hours ...) of active uploads or typed in;
-- facts a newer forum package replaced are left out.
-- output: library_key, period, name, value, source.
select f.library_key, f.period, f.name, f.value, f.source
from current_library_facts f
order by f.library_key, f.period, f.name
