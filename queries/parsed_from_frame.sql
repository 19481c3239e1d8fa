-- parsed_from_frame: the distinct answers of a reader's answers frame (`answer_frame`: row,
-- "column", item, value, raw_value, seq) as the table `parsed_map` (etl/answers.py); NaN is a
-- missing answer (null).
-- params: none.
-- output: table parsed_map: map_id, "column", item, value, raw_value, ord.
create table parsed_map as
select (row_number() over (order by first))::bigint as map_id, "column", item, value, raw_value,
       0::bigint as ord
from (
    select "column"::varchar as "column",
           item::varchar as item,
           if(isnan(value::double), null, value::double) as value,
           raw_value::varchar as raw_value,
           min(seq) as first
    from answer_frame
    group by all
)
