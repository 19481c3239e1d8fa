-- source_distinct: the distinct non-blank cells of the named columns of `src`, as written, with
-- how often each occurs: what a question column's labels and scale are read from.
-- params: $columns (list of src column names).
-- output: col (src column name), cell, n, first (the first record holding it), by col and first.
select col, cell, count(*) as n, min(_record) as first
from (
    unpivot (select _record, columns(lambda c: list_contains($columns, c)) from src)
    on columns(* exclude (_record))
    into name col value cell
)
group by all
order by col, first
