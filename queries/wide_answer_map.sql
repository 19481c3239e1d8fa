-- wide_answer_map: what each distinct answered cell of a wide export's question columns means
-- (the registered `value_map`, built per distinct cell by etl/wide_values.py), the cells that
-- are answers (a value, or none for "Ved ikke") numbered as the table `parsed_map`.
-- params: none.
-- output: table parsed_map: map_id, col (src column), "column", item, value, raw_value, ord.
create table parsed_map as
select (row_number() over (order by ord, cell))::bigint as map_id,
       col,
       "column",
       item,
       value::double as value,
       cell as raw_value,
       ord::bigint as ord
from value_map
where flag = 'ok'
