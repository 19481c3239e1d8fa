-- answers_rows: the answers as the writer inserts them and a caller reads them, in order.
-- params: none.
-- output: row, column, item, value, raw_value.
select row, "column", item, value, raw_value
from answers
order by seq
