-- library_periods: the grid of every known library x every period that has any data.
-- output: library_key, display_name, consent_named, period.
with periods as (
    select distinct period from responses
    union select distinct period from aggregates
    union select distinct period from forum_cells
)
select l.library_key, l.display_name, l.consent_named, p.period
from libraries l cross join periods p
order by l.library_key, p.period
