-- source_counts: how many cells of each column of `src` hold anything (trailing empty columns).
-- params: none.
-- output: one row, one count per column of src (_record excluded).
select count(columns(* exclude (_record)))
from src
