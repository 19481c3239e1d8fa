-- patron_top2: share of patrons answering one of the two best scale points ("top-2-box", e.g.
-- 4-5 on a 1-5 item), per library x period x touchpoint ('' = overall satisfaction), for
-- service-declaration targets such as "90 % satisfied with home delivery". Same touchpoint rule
-- as cells.sql; a respondent with several items of one touchpoint counts once, by the mean of
-- their answers. Only current rows count.
-- output: library_key, period, touchpoint, n, n_top2, top2 (percentage 0-100).
with patrons as (
    select r.* from current_responses r where r.respondent_type = 'patron'
),
person as (
    select r.library_key, r.period, r.response_id,
           coalesce(case when i.construct = 'touchpoint' then i.touchpoint end,
                    case when i.construct = 'satisfaction' then r.touchpoint end, '') as touchpoint,
           avg(case when a.value >= i.scale_max - 1 then 1.0 else 0.0 end) as top2
    from patrons r
    join answers a using (response_id)
    join items i on i.item_code = a.item_code
    where a.value is not null and i.construct in ('satisfaction', 'touchpoint')
    group by all
)
select library_key, period, touchpoint, count(*) as n,
       sum(case when top2 >= 0.5 then 1 else 0 end) as n_top2,
       100.0 * sum(case when top2 >= 0.5 then 1 else 0 end) / count(*) as top2
from person
group by all
order by library_key, period, touchpoint
