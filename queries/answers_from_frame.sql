-- answers_from_frame: a reader's answers frame (`answer_frame`: row, column, item, value,
-- raw_value, seq) as the table `answers` of a parsing connection (etl/answers.py); NaN is a missing
-- answer (null).
-- params: none.
-- output: table answers: row, column, item, value, raw_value, seq (the frame's order).
create table answers as
select row::bigint as row,
       "column"::varchar as "column",
       item::varchar as item,
       if(isnan(value::double), null, value::double) as value,
       raw_value::varchar as raw_value,
       seq
from answer_frame
