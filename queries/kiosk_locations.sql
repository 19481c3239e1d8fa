-- kiosk_locations: the distinct library and branch cells of an upload's kiosk counts, with the
-- first row naming each pair and its presses: the few hundred names the loader resolves against
-- the known libraries, instead of the hourly rows.
-- params: none; reads the registered table kiosk_rows (the reader's kiosk columns).
-- output: library, branch (as text, null = none), row (first row), n (presses).
select library::varchar as library, branch::varchar as branch, min(row) as row,
       sum(n)::bigint as n
from kiosk_rows
group by all
order by row
