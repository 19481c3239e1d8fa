-- source_unique_cells: whether one column's cells are all different and none has blank space at
-- either end (then no two respondent ids are the same, however they are trimmed).
-- params: $columns (a list of one src column name).
-- output: cells (non-blank), distinct_cells, edged (cells with blank space at an end).
select count(cell) as cells,
       count(distinct cell) as distinct_cells,
       count(*) filter (where regexp_matches(cell, '^\s|\s$')) as edged
from (
    unpivot (select _record, columns(lambda c: list_contains($columns, c)) from src)
    on columns(* exclude (_record))
    into name col value cell
)
