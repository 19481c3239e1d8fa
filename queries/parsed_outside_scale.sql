-- parsed_outside_scale: answers outside their item's resolved scale (`answer_items`), in the
-- answers' order: each becomes a rejected cell.
-- params: none.
-- output: row, "column", raw_value, item, scale_min, scale_max.
select a.row, m."column", m.raw_value, m.item, i.scale_min, i.scale_max
from parsed_answers a
join parsed_map m using (map_id)
join answer_items i on i.item_code = m.item
where m.value is not null and (m.value < i.scale_min or m.value > i.scale_max)
order by a.seq
