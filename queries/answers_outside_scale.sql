-- answers_outside_scale: answers outside their item's resolved scale (`answer_items`), in the
-- answers' order: each becomes a rejected cell.
-- params: none.
-- output: row, column, raw_value, item, scale_min, scale_max.
select a.row, a."column", a.raw_value, a.item, i.scale_min, i.scale_max
from answers a
join answer_items i on i.item_code = a.item
where a.value is not null and (a.value < i.scale_min or a.value > i.scale_max)
order by a.seq
