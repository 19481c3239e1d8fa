-- source_rows: some columns of the data records of `src`, in record order (a sample for
-- detection, or the few columns a step needs).
-- params: $columns (list of src column names), $limit (records; a large number for all).
-- output: _record, then the named columns in table order.
select _record, columns(lambda c: list_contains($columns, c))
from src
order by _record
limit $limit
