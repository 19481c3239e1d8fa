-- forum_staff_answers: one library's individual staff answers to the items the analysis uses, with
-- the cell each answer belongs to, so the forum package can release item statistics over exactly
-- the respondents who answered every item of their cell (complete cases) and never over a set that
-- differs from the cell's respondents by 1..k-1 people (docs/privacy.md, "What leaves").
-- Current responses only; never leaves the installation itself.
-- params: $library_key.
-- output: library_key, period, measure ('touchpoint' items count as 'satisfaction', as in cells.sql),
--         touchpoint ('' = overall), response_id, item_code, value (on the item's own scale).
select r.library_key, r.period,
       case when i.construct = 'touchpoint' then 'satisfaction' else i.construct end as measure,
       coalesce(case when i.construct = 'touchpoint' then i.touchpoint end,
                case when i.construct = 'satisfaction' then r.touchpoint end, '') as touchpoint,
       r.response_id, a.item_code, a.value
from current_responses r
join answers a using (response_id)
join items i on i.item_code = a.item_code
where r.respondent_type = 'staff'
  and r.library_key = $library_key and a.value is not null
  and i.construct in ('wellbeing', 'engagement', 'satisfaction', 'touchpoint', 'enps', 'nps')
order by r.period, measure, touchpoint, r.response_id, a.item_code
