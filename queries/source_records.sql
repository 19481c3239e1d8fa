-- source_records: the data records' numbers of `src`, in order.
-- params: $limit (records; a large number for all).
-- output: _record.
select _record
from src
order by _record
limit $limit
