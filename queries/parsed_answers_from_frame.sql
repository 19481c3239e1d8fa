-- parsed_answers_from_frame: each answer of a reader's answers frame (`answer_frame`) paired
-- with its entry of `parsed_map` (parsed_from_frame), as the table `parsed_answers`.
-- params: none.
-- output: table parsed_answers: row, map_id, seq (the frame's order).
create table parsed_answers as
select f.row::bigint as row, m.map_id, f.seq::bigint as seq
from answer_frame f
join parsed_map m
  on m."column" is not distinct from f."column"::varchar
 and m.item is not distinct from f.item::varchar
 and m.value is not distinct from if(isnan(f.value::double), null, f.value::double)
 and m.raw_value is not distinct from f.raw_value::varchar
