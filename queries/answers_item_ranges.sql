-- answers_item_ranges: the lowest and highest value answered per item (the scale of an item
-- the database does not know yet).
-- params: none.
-- output: item, min, max.
select item, min(value) as min, max(value) as max
from answers
group by item
