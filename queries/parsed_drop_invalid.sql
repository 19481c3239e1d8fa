-- parsed_drop_invalid: drop answers of items without a resolved scale and answers outside their
-- item's scale (`answer_items`); the latter were told by parsed_outside_scale.
-- params: none.
-- output: the number of answers deleted (DuckDB's count of a delete).
delete from parsed_answers
where map_id in (
    select m.map_id
    from parsed_map m
    left join answer_items i on i.item_code = m.item
    where i.scale_min is null
       or (m.value is not null and (m.value < i.scale_min or m.value > i.scale_max))
)
