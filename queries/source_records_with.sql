-- source_records_with: the data records whose cell in one column is one of the given cells (as
-- written), a blank cell counting as chr(0): the rows a reader refuses by a column's value,
-- decided once per distinct cell in Python (a preview, an unfinished response).
-- params: $columns (a list of one src column name), $cells (the refused cells; chr(0) = blank).
-- output: _record.
select _record
from src
where list_contains($cells, coalesce(columns(lambda c: list_contains($columns, c)), chr(0)))
order by _record
