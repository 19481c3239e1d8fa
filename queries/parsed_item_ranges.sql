-- parsed_item_ranges: the lowest and highest value answered per item (the scale of an item the
-- database does not know yet).
-- params: none.
-- output: item, min, max.
select m.item, min(m.value) as min, max(m.value) as max
from parsed_answers a
join parsed_map m using (map_id)
group by m.item
