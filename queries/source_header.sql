-- source_header: how many header records stand above the data in `raw` (etl/source.py), and the
-- (empty) list of data records a reader refused: what the view `src` is made of.
-- params: $header_rows.
-- output: table source_header (header_rows).
create table source_header as
select $header_rows::bigint as header_rows
