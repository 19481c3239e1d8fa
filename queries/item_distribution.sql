-- item_distribution: how many respondents gave each answer to each Likert item, for one library,
-- per period and side (staff | patron), from current individual responses (not vendor aggregates).
-- NPS/eNPS (0-10) and free-text items are left out: they are shown as NPS, not as bars.
-- The caller (publish.visible_items) blanks staff groups below k before anything is shown.
-- params: $library_key.
-- params (optional, all periods and both sides when left out): $period, $side (the Library page
--         asks for one of each, so only the rows it draws leave the database).
-- output: library_key, period, side, item_code, construct, touchpoint, text_da, text_en,
--         scale_min, scale_max, value, n (respondents with that answer), n_item (answered the item).
with counts as (
    select r.library_key, r.period, r.respondent_type as side, a.item_code, a.value, count(*) as n
    from current_responses r
    join answers a using (response_id)
    where r.library_key = $library_key and a.value is not null
      and ($period is null or r.period = $period)
      and ($side is null or r.respondent_type = $side)
    group by all
)
select c.library_key, c.period, c.side, c.item_code, i.construct, coalesce(i.touchpoint, '') as touchpoint,
       i.text_da, i.text_en, i.scale_min, i.scale_max, c.value, c.n,
       sum(c.n) over (partition by c.library_key, c.period, c.side, c.item_code) as n_item
from counts c
join items i on i.item_code = c.item_code
where i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint')
order by c.period, c.side, c.item_code, c.value
