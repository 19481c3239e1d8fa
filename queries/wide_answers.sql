-- wide_answers: the answers of a wide export, unpivoted in the parsing connection: every cell of
-- a question column paired with what its text means (`parsed_map`, one row per distinct cell,
-- made by wide_answer_map), into the table `parsed_answers` that etl/answers.py works on.
-- params: $columns (the question columns' src names).
-- output: table parsed_answers: row, map_id, seq (the answers' order: question, then record).
create table parsed_answers as
select c._record as row, m.map_id, m.ord * 4294967296 + c._record as seq
from (
    unpivot (select _record, columns(lambda c: list_contains($columns, c)) from src)
    on columns(* exclude (_record))
    into name col value cell
) c
join parsed_map m on m.col = c.col and m.raw_value = c.cell
