-- source_view: the data records of `raw` under its header records, numbered for messages and
-- without the refused ones, as the view `src` every wide reader's SQL reads (etl/source.py). A
-- view, not a copy: a 50 MB export is held once.
-- params: none.
-- output: view src: _record (1 = first data record), then raw's columns.
create view src as
select (r.rowid + 1 - h.header_rows)::bigint as _record, r.*
from raw r, source_header h
where r.rowid >= h.header_rows
  and (r.rowid + 1 - h.header_rows) not in (select _record from source_excluded)
