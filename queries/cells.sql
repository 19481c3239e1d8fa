-- cells: every library x period x side x measure (x touchpoint) cell, from individual responses
-- and from vendor aggregates, on the 0-100 index scale: index = (mean - min) / (max - min) * 100.
-- A respondent's score on a multi-item construct is the mean of their answered items (rescaled);
-- the cell mean is the unweighted mean over respondents. Superseded and undone rows never count.
-- NPS/eNPS cells carry promoters/detractors counts; their `mean` is the NPS (-100..100).
-- Aggregates: item means are rescaled and averaged over the construct's items, n = the largest
-- item n; the within sum of squares is only known for single-item constructs with an sd.
-- `instrument` names the questionnaire(s) behind a cell: 'forum-core-v1' when only forum core items
-- were used, else the instrument ids joined by '+' ('unknown' for items without one); libraries
-- are compared with each other only on a shared instrument (STATISTICS.md §1b).
-- output: library_key, period, side, measure, touchpoint ('' = overall), n, mean, sd, ss_within,
--         promoters, detractors, source ('rows' | 'aggregates'), instrument.
with current_responses as (
    select r.* from responses r join uploads u using (upload_id)
    where r.superseded_by is null and u.status = 'active'
),
scored as (
    select r.response_id, r.library_key, r.period, r.respondent_type as side,
           case when i.construct = 'touchpoint' then 'satisfaction' else i.construct end as measure,
           coalesce(case when i.construct = 'touchpoint' then i.touchpoint end,
                    case when i.construct = 'satisfaction' then r.touchpoint end, '') as touchpoint,
           i.construct,
           coalesce(i.instrument_id, 'unknown') as instrument,
           (a.value - i.scale_min) / nullif(i.scale_max - i.scale_min, 0) * 100 as score,
           a.value
    from current_responses r
    join answers a using (response_id)
    join items i on i.item_code = a.item_code
    where a.value is not null
      and i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint', 'enps', 'nps')
),
person as (
    select library_key, period, side, measure, touchpoint, response_id,
           string_agg(distinct instrument, '+' order by instrument) as instrument,
           avg(score) as score,
           max(case when construct in ('nps', 'enps') and value >= 9 then 1 else 0 end) as promoter,
           max(case when construct in ('nps', 'enps') and value <= 6 then 1 else 0 end) as detractor
    from scored
    group by library_key, period, side, measure, touchpoint, response_id
),
from_rows as (
    select library_key, period, side, measure, touchpoint,
           count(*) as n,
           case when measure in ('nps', 'enps')
                then (sum(promoter) - sum(detractor)) * 100.0 / count(*)
                else avg(score) end as mean,
           case when measure in ('nps', 'enps') then null else stddev_samp(score) end as sd,
           case when measure in ('nps', 'enps') then null
                else coalesce(var_samp(score) * (count(*) - 1), 0) end as ss_within,
           case when measure in ('nps', 'enps') then sum(promoter) end as promoters,
           case when measure in ('nps', 'enps') then sum(detractor) end as detractors,
           'rows' as source,
           string_agg(distinct instrument, '+' order by instrument) as instrument
    from person
    group by library_key, period, side, measure, touchpoint
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
    from aggregates g
    join uploads u using (upload_id)
    join items i on i.item_code = g.item_code
    where g.superseded_by is null and u.status = 'active'
      and i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint', 'enps', 'nps')
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
           string_agg(distinct instrument, '+' order by instrument) as instrument
    from agg_items
    -- a vendor's eNPS arrives as a mean on 0-10, which is not an NPS: keep it out
    where measure not in ('nps', 'enps')
    group by library_key, period, side, measure, touchpoint
)
select * from from_rows
union all
select a.* from from_aggregates a
where not exists (
    select 1 from from_rows r
    where r.library_key = a.library_key and r.period = a.period and r.side = a.side
      and r.measure = a.measure and r.touchpoint = a.touchpoint
)
order by library_key, period, side, measure, touchpoint
