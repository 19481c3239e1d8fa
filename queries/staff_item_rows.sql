-- staff_item_rows: individual staff answers to the items of one construct (for Cronbach's alpha,
-- ICC from rows and rwg). Current responses only. The caller keeps only (library, period) groups
-- that the publication layer shows, so hidden groups never enter a published statistic.
-- params: $construct (e.g. 'wellbeing').
-- output: library_key, period, response_id, item, value (on the item's own scale), scale_min, scale_max.
select r.library_key, r.period, r.response_id, a.item_code as item, a.value, i.scale_min, i.scale_max
from current_responses r
join answers a using (response_id)
join items i on i.item_code = a.item_code
where r.respondent_type = 'staff'
  and i.construct = $construct and a.value is not null
order by r.library_key, r.period, r.response_id, a.item_code
