-- forum_item_stats: item-level sufficient statistics of one library for its forum package, on the
-- item's own scale: per library x period x side x touchpoint x item the number of answers, mean,
-- sd and within sum of squares. From current rows, else from vendor aggregates (branches combined:
-- ss_within = sum((n_b - 1) sd_b^2) + sum(n_b (mean_b - mean)^2); null when a branch has no sd).
-- Only constructs the analysis uses; 'other' items (free questions, demographics) never leave.
-- The caller (servicemirror.app.forum) keeps only staff items of published groups with every item >= k.
-- params: $library_key.
-- output: library_key, period, side, touchpoint ('' = overall), item_code, construct, scale_min,
--         scale_max, instrument_id, n, mean, sd, ss_within, source ('rows' | 'aggregates').
with library_responses as (
    select r.* from current_responses r where r.library_key = $library_key
),
from_rows as (
    select r.library_key, r.period, r.respondent_type as side,
           coalesce(case when i.construct = 'touchpoint' then i.touchpoint end,
                    case when i.construct = 'satisfaction' then r.touchpoint end, '') as touchpoint,
           a.item_code,
           count(*) as n,
           avg(a.value) as mean,
           stddev_samp(a.value) as sd,
           coalesce(var_samp(a.value) * (count(*) - 1), 0) as ss_within,
           'rows' as source
    from library_responses r
    join answers a using (response_id)
    join items i on i.item_code = a.item_code
    where a.value is not null
      and i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint', 'enps', 'nps')
    group by all
),
agg as (
    select g.library_key, g.period, g.respondent_type as side,
           coalesce(case when i.construct = 'touchpoint' then coalesce(i.touchpoint, g.touchpoint) end, '') as touchpoint,
           g.item_code, g.n, g.mean, g.sd,
           sum(g.n * g.mean) over w / sum(g.n) over w as item_mean
    from current_aggregates g
    join items i on i.item_code = g.item_code
    where g.library_key = $library_key
      and i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint', 'enps', 'nps')
    window w as (partition by g.library_key, g.period, g.respondent_type, g.item_code)
),
from_aggregates as (
    select library_key, period, side, any_value(touchpoint) as touchpoint, item_code,
           sum(n) as n,
           any_value(item_mean) as mean,
           sqrt((sum((n - 1) * sd * sd) + sum(n * (mean - item_mean) * (mean - item_mean)))
                / nullif(sum(n) - 1, 0)) as sd,
           sum((n - 1) * sd * sd) + sum(n * (mean - item_mean) * (mean - item_mean)) as ss_within,
           'aggregates' as source
    from agg
    group by library_key, period, side, item_code
),
combined as (
    select * from from_rows
    union all
    select a.* from from_aggregates a
    where not exists (
        select 1 from from_rows r
        where r.library_key = a.library_key and r.period = a.period and r.side = a.side
          and r.item_code = a.item_code
    )
)
select c.library_key, c.period, c.side, c.touchpoint, c.item_code, i.construct, i.scale_min,
       i.scale_max, coalesce(i.instrument_id, 'unknown') as instrument_id,
       c.n, c.mean, c.sd, c.ss_within, c.source
from combined c join items i on i.item_code = c.item_code
order by c.library_key, c.period, c.side, c.touchpoint, c.item_code
