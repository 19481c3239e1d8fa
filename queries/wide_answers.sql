-- wide_answers: the answers of a wide export, unpivoted in the parsing connection: every cell of
-- a question column joined to what its text means (`value_map`, built per distinct cell by
-- etl/wide_values.py), into the table `answers` that etl/answers.py works on.
-- params: $columns (the question columns' src names).
-- output: table answers: row, column, item, value (null = a non-answer such as "Ved ikke"),
-- raw_value (the cell as written), seq (the answers' order: question, then record).
create table answers as
select c._record as row,
       m."column",
       m.item,
       m.value::double as value,
       c.cell as raw_value,
       m.ord::bigint * 4294967296 + c._record as seq
from (
    unpivot (select _record, columns(lambda c: list_contains($columns, c)) from src)
    on columns(* exclude (_record))
    into name col value cell
) c
join value_map m on m.col = c.col and m.cell = c.cell
where m.flag = 'ok'
