-- staff_branch_cells: staff cells one level below the library, per library x branch x period x
-- measure (overall only, touchpoint ''), scored exactly as in cells.sql (0-100 index; a
-- respondent's score is the mean of their answered items; eNPS mean = promoters - detractors in
-- percent). From current individual responses, else from vendor aggregates delivered per branch.
-- Figures here are NOT publishable as they are: servicemirror.privacy.publish hides branches below k and
-- adds complementary suppression against the library total before anything is shown.
-- Staff with no branch form no branch cell (publish counts them as the library's unassigned rest).
-- params (optional, default null = every library / every period): $libraries, $periods: the branch
--         cells of these libraries in these periods only (lists), as in cells.sql.
-- output: library_key, branch_key, branch_name, period, measure, n, mean, sd, ss_within,
--         promoters, detractors, source ('rows' | 'aggregates').
with branch_staff as (
    select r.* from current_responses r
    where r.respondent_type = 'staff' and r.branch_key is not null
      and coalesce(list_contains($libraries, r.library_key), true)
      and coalesce(list_contains($periods, r.period), true)
),
scored as (
    select r.response_id, r.library_key, r.branch_key, r.period, i.construct as measure,
           (a.value - i.scale_min) / nullif(i.scale_max - i.scale_min, 0) * 100 as score,
           a.value
    from branch_staff r
    join answers a using (response_id)
    join items i on i.item_code = a.item_code
    where a.value is not null and i.construct in ('wellbeing', 'engagement', 'enps')
),
person as (
    select library_key, branch_key, period, measure, response_id,
           avg(score) as score,
           max(case when measure = 'enps' and value >= 9 then 1 else 0 end) as promoter,
           max(case when measure = 'enps' and value <= 6 then 1 else 0 end) as detractor
    from scored
    group by library_key, branch_key, period, measure, response_id
),
from_rows as (
    select library_key, branch_key, period, measure,
           count(*) as n,
           case when measure = 'enps' then (sum(promoter) - sum(detractor)) * 100.0 / count(*)
                else avg(score) end as mean,
           case when measure = 'enps' then null else stddev_samp(score) end as sd,
           case when measure = 'enps' then null
                else coalesce(var_samp(score) * (count(*) - 1), 0) end as ss_within,
           case when measure = 'enps' then sum(promoter) end as promoters,
           case when measure = 'enps' then sum(detractor) end as detractors,
           'rows' as source
    from person
    group by library_key, branch_key, period, measure
),
agg_items as (
    select g.library_key, g.branch_key, g.period, i.construct as measure, g.item_code,
           sum(g.n) as n,
           sum(g.n * (g.mean - i.scale_min) / nullif(i.scale_max - i.scale_min, 0) * 100) / sum(g.n) as mean,
           sqrt(sum((g.n - 1) * g.sd * g.sd) / nullif(sum(g.n) - count(*), 0))
               * 100 / nullif(max(i.scale_max - i.scale_min), 0) as sd
    from current_aggregates g
    join items i on i.item_code = g.item_code
    where g.respondent_type = 'staff' and g.branch_key is not null
      -- a vendor's eNPS arrives as a mean on 0-10, which is not an NPS (as in cells.sql)
      and i.construct in ('wellbeing', 'engagement')
      and coalesce(list_contains($libraries, g.library_key), true)
      and coalesce(list_contains($periods, g.period), true)
    group by g.library_key, g.branch_key, g.period, i.construct, g.item_code
),
from_aggregates as (
    select library_key, branch_key, period, measure,
           max(n)::bigint as n,
           avg(mean) as mean,
           case when count(*) = 1 then max(sd) end as sd,
           case when count(*) = 1 and max(sd) is not null then max(sd) * max(sd) * (max(n) - 1) end as ss_within,
           null::bigint as promoters, null::bigint as detractors,
           'aggregates' as source
    from agg_items
    group by library_key, branch_key, period, measure
),
both_sources as (
    select * from from_rows
    union all
    select a.* from from_aggregates a
    where not exists (
        select 1 from from_rows r
        where r.library_key = a.library_key and r.branch_key = a.branch_key
          and r.period = a.period and r.measure = a.measure
    )
)
select c.library_key, c.branch_key, coalesce(b.display_name, c.branch_key) as branch_name,
       c.period, c.measure, c.n, c.mean, c.sd, c.ss_within, c.promoters, c.detractors, c.source
from both_sources c
left join branches b on b.branch_key = c.branch_key
order by c.library_key, c.period, c.measure, c.branch_key
