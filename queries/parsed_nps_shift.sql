-- parsed_nps_shift: an NPS item stored as 1-11 (some tools) is shifted to 0-10 when every value
-- of the item fits 1..11 and 11 is used; `answer_items` (item_code, scale_min, scale_max,
-- construct) is the file's resolved items. Values live in `parsed_map`, once per distinct cell.
-- params: none.
-- output: none.
update parsed_map
set value = value - 1
where item in (
    select m.item
    from parsed_answers a
    join parsed_map m using (map_id)
    join answer_items i on i.item_code = m.item
    where i.construct in ('nps', 'enps')
    group by m.item
    having min(m.value) >= 1 and max(m.value) = 11
)
