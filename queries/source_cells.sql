-- source_cells: every non-blank cell of the named columns of `src`, one row per record x column
-- (comment columns).
-- params: $columns (list of src column names).
-- output: _record, col (src column name), cell.
select _record, col, cell
from (
    unpivot (select _record, columns(lambda c: list_contains($columns, c)) from src)
    on columns(* exclude (_record))
    into name col value cell
)
order by _record
