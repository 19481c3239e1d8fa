-- parsed_values: what each map_id of `parsed_map` stands for, as insert_answers needs it.
-- params: none.
-- output: map_id, item, value, raw_value.
select map_id, item, value, raw_value
from parsed_map
