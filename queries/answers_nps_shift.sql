-- answers_nps_shift: an NPS item stored as 1-11 (some tools) is shifted to 0-10 when every value
-- of the item fits 1..11 and 11 is used; `answer_items` (item_code, scale_min, scale_max,
-- construct) is the file's resolved items.
-- params: none.
-- output: none.
update answers
set value = value - 1
where item in (
    select a.item
    from answers a
    join answer_items i on i.item_code = a.item
    where i.construct in ('nps', 'enps')
    group by a.item
    having min(a.value) >= 1 and max(a.value) = 11
)
