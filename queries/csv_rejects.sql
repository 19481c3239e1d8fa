-- csv_rejects: lines the last read_csv in this connection could not parse.
-- output: line, column_idx, error_type, message (csv_line is not returned: it may hold personal data).
select line, column_idx, error_type, error_message as message
from reject_errors
order by line
