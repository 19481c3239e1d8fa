-- source_table: the data records of `raw` under its header records, numbered for messages, as
-- the table `src` every wide reader's SQL reads (etl/source.py).
-- params: $header_rows (records above the data).
-- output: table src: _record (1 = first data record), then raw's columns.
create table src as
select (rowid + 1 - $header_rows)::bigint as _record, *
from raw
where rowid >= $header_rows
order by rowid
