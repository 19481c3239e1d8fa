-- answers_drop_invalid: drop answers of items without a resolved scale and answers outside
-- their item's scale (`answer_items`); the latter were told by answers_outside_scale.
-- params: none.
-- output: none.
delete from answers
where seq in (
    select a.seq
    from answers a
    left join answer_items i on i.item_code = a.item
    where i.scale_min is null
       or (a.value is not null and (a.value < i.scale_min or a.value > i.scale_max))
)
