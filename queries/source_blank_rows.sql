-- source_blank_rows: records of `src` with no cell at all in the named columns (blank lines).
-- params: $columns (list of src column names).
-- output: _record.
select _record
from (
    select _record, coalesce(*columns(lambda c: list_contains($columns, c))) as cell
    from src
)
where cell is null
order by _record
