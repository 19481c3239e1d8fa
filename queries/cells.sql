-- cells: every library x period x side x measure (x touchpoint) cell, from individual responses
-- and from vendor aggregates, on the 0-100 index scale: index = (mean - min) / (max - min) * 100.
-- A respondent's score on a multi-item construct is the mean of their answered items (rescaled);
-- the cell mean is the unweighted mean over respondents. Superseded and undone rows never count.
-- NPS/eNPS cells carry promoters/detractors counts; their `mean` is the NPS (-100..100).
-- Aggregates: item means are rescaled and averaged over the construct's items, n = the largest
-- item n; the within sum of squares is only known for single-item constructs with an sd.
-- `instrument` names the questionnaire(s) behind a cell: 'forum-core-v1' when only forum core items
-- were used, else the instrument ids joined by '+' ('unknown' for items without one); libraries
-- are compared with each other only on a shared instrument (docs/statistics.md §13).
-- Forum packages (schema version 2): a package carries the cells its library published, so on a
-- forum installation they are taken as they are (same n, mean, sd, ss_within and NPS counts as the
-- library computed; `source` stays the library's). Precedence per cell: rows, then a package, then
-- aggregates; superseded package parts and undone uploads never count.
-- params (optional, default null = every library / every period): $libraries, $periods: the cells
--         of these libraries in these periods only (lists), what a write refreshes in the stored
--         published cells (servicemirror/privacy/cells_table.py).
-- output: library_key, period, side, measure, touchpoint ('' = overall), n, mean, sd, ss_within,
--         promoters, detractors, source ('rows' | 'aggregates'), instrument.
-- Instruments as bits: every instrument name gets its rank among the sorted distinct names of the
-- items as its bit; a respondent's distinct instruments are then one bit_or, and each distinct set
-- is named once, where a sorted list per respondent cost most of the query. A bit_or holds 128
-- instruments: a database whose items name more (a forum's packages over many years) lists each
-- respondent's names instead (`many_instruments`), the same string the slow way.
with instrument_bits as (
    select instrument, row_number() over (order by instrument) - 1 as bit
    from (select distinct coalesce(instrument_id, 'unknown') as instrument from items)
),
many_instruments as (
    select count(*) > 128 as many from instrument_bits
),
scored as (
    select r.response_id, r.library_key, r.period, r.respondent_type as side,
           case when i.construct = 'touchpoint' then 'satisfaction' else i.construct end as measure,
           coalesce(case when i.construct = 'touchpoint' then i.touchpoint end,
                    case when i.construct = 'satisfaction' then r.touchpoint end, '') as touchpoint,
           i.construct,
           -- the instrument as its bit: a respondent's instruments are one bit_or, named below
           case when not m.many then 1::uhugeint << n.bit::uhugeint end as instrument_bit,
           case when m.many then n.instrument end as instrument,
           (a.value - i.scale_min) / nullif(i.scale_max - i.scale_min, 0) * 100 as score,
           a.value
    -- answers first: with publish.from_rows pinning the join sides, the respondents (right) are
    -- the hash table and the answers (five or more per respondent) stream past it
    from answers a
    join current_responses r using (response_id)
    join items i on i.item_code = a.item_code
    join instrument_bits n on n.instrument = coalesce(i.instrument_id, 'unknown')
    cross join many_instruments m
    where a.value is not null
      and i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint', 'enps', 'nps')
      and coalesce(list_contains($libraries, r.library_key), true)
      and coalesce(list_contains($periods, r.period), true)
),
person_bits as (
    select library_key, period, side, measure, touchpoint, response_id,
           coalesce(bit_or(instrument_bit), 0::uhugeint) as instruments,
           avg(score) as score,
           max(case when construct in ('nps', 'enps') and value >= 9 then 1 else 0 end) as promoter,
           max(case when construct in ('nps', 'enps') and value <= 6 then 1 else 0 end) as detractor
    from scored
    group by library_key, period, side, measure, touchpoint, response_id
),
-- each distinct set of instruments named once: its names in sorted order (the bits' order)
instrument_sets as (
    select s.instruments,
           array_to_string(list(n.instrument order by n.bit), '+') as instrument
    from (select distinct instruments from person_bits) s
    join instrument_bits n
      on case when n.bit < 128
              then (s.instruments >> n.bit::uhugeint) & 1::uhugeint = 1::uhugeint else false end
    group by s.instruments
),
-- only with more than 128 instruments: each respondent's names listed (no row otherwise, so
-- the usual case builds no list at all: a list per respondent cost a fifth of the query)
person_lists as (
    select response_id, measure, touchpoint,
           array_to_string(list_sort(list_distinct(list(instrument))), '+') as listed
    from scored
    where instrument is not null
    group by response_id, measure, touchpoint
),
person as (
    select p.library_key, p.period, p.side, p.measure, p.touchpoint, p.response_id,
           coalesce(s.instrument, l.listed) as instrument, p.score, p.promoter, p.detractor
    from person_bits p
    left join person_lists l using (response_id, measure, touchpoint)
    left join instrument_sets s on s.instruments = p.instruments and l.listed is null
),
-- Cell sums are exact: person scores are rounded to 12 decimals and summed as DECIMAL, so a
-- cell's n, mean and ss_within are the same bits whatever order its rows arrive in (this database
-- or another, e.g. the library's own installation behind a forum package). Floating-point
-- avg/var_samp depend on that order in the last bit, and the multilevel optimiser magnifies a
-- last-bit difference to ~1e-6 (docs/forum.md). ss_within = sum((x - m)^2) around the cell mean m
-- rounded to 12 decimals: exact up to n * (m - mean)^2 < n * 1e-24. It is summed in one pass as
-- sum(x^2) - 2 m sum(x) + n m^2, every term exact in DECIMAL, the same number as the sum of
-- squared deviations without a second pass (a window) over the respondents.
cell_sums as (
    select library_key, period, side, measure, touchpoint,
           count(*) as n,
           sum(score::decimal(18, 12)) as sx,
           sum(score::decimal(18, 12) * score::decimal(18, 12)) as sxx,
           sum(promoter) as promoters,
           sum(detractor) as detractors,
           array_to_string(list_sort(list_distinct(list(instrument))), '+') as instrument
    from person
    group by library_key, period, side, measure, touchpoint
),
cell_means as (
    select *, (sx / n)::decimal(18, 12) as m from cell_sums
),
from_rows as (
    select library_key, period, side, measure, touchpoint,
           n,
           case when measure in ('nps', 'enps')
                then (promoters - detractors) * 100.0 / n
                else sx::double / n end as mean,
           case when measure in ('nps', 'enps') or n < 2 then null
                else sqrt((sxx - 2 * m * sx + n * m * m)::double / (n - 1)) end as sd,
           case when measure in ('nps', 'enps') then null
                else (sxx - 2 * m * sx + n * m * m)::double end as ss_within,
           case when measure in ('nps', 'enps') then promoters end as promoters,
           case when measure in ('nps', 'enps') then detractors end as detractors,
           'rows' as source,
           instrument
    from cell_means
),
agg_items as (
    select g.library_key, g.period, g.respondent_type as side,
           case when i.construct = 'touchpoint' then 'satisfaction' else i.construct end as measure,
           coalesce(case when i.construct = 'touchpoint' then coalesce(i.touchpoint, g.touchpoint) end, '') as touchpoint,
           g.item_code,
           coalesce(any_value(i.instrument_id), 'unknown') as instrument,
           sum(g.n) as n,
           sum(g.n * (g.mean - i.scale_min) / nullif(i.scale_max - i.scale_min, 0) * 100) / sum(g.n) as mean,
           -- pooled within sd of the item (branches combined), rescaled
           sqrt(sum((g.n - 1) * g.sd * g.sd) / nullif(sum(g.n) - count(*), 0))
               * 100 / nullif(max(i.scale_max - i.scale_min), 0) as sd
    from current_aggregates g
    join items i on i.item_code = g.item_code
    where i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint', 'enps', 'nps')
      and coalesce(list_contains($libraries, g.library_key), true)
      and coalesce(list_contains($periods, g.period), true)
    group by all
),
from_aggregates as (
    select library_key, period, side, measure, touchpoint,
           max(n)::bigint as n,
           avg(mean) as mean,
           case when count(*) = 1 then max(sd) end as sd,
           case when count(*) = 1 and max(sd) is not null then max(sd) * max(sd) * (max(n) - 1) end as ss_within,
           null::bigint as promoters, null::bigint as detractors,
           'aggregates' as source,
           array_to_string(list_sort(list_distinct(list(instrument))), '+') as instrument
    from agg_items
    -- a vendor's eNPS arrives as a mean on 0-10, which is not an NPS: keep it out
    where measure not in ('nps', 'enps')
    group by library_key, period, side, measure, touchpoint
),
from_packages as (
    select f.library_key, f.period, f.side, f.measure, f.touchpoint, f.n, f.mean, f.sd, f.ss_within,
           f.promoters, f.detractors, f.source, f.instrument
    from current_forum_cells f
    where coalesce(list_contains($libraries, f.library_key), true)
      and coalesce(list_contains($periods, f.period), true)
)
select * from from_rows
union all
select p.* from from_packages p
where not exists (
    select 1 from from_rows r
    where r.library_key = p.library_key and r.period = p.period and r.side = p.side
      and r.measure = p.measure and r.touchpoint = p.touchpoint
)
union all
select a.* from from_aggregates a
where not exists (
    select 1 from from_rows r
    where r.library_key = a.library_key and r.period = a.period and r.side = a.side
      and r.measure = a.measure and r.touchpoint = a.touchpoint
)
and not exists (
    select 1 from from_packages p
    where p.library_key = a.library_key and p.period = a.period and p.side = a.side
      and p.measure = a.measure and p.touchpoint = a.touchpoint
)
order by library_key, period, side, measure, touchpoint
