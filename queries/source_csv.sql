-- source_csv: every record of a UTF-8 delimited export (header records included) as text, into
-- the table `raw` of an in-memory parsing connection (etl/source.py); broken lines go to the
-- rejects table instead of failing the read. Records keep the file's order (rowid 0 = first).
-- params: $path, $delim, $max_line (bytes).
-- output: table raw, the file's columns as varchar (column0, column1, ... in file order).
create table raw as
select *
from read_csv(
    $path,
    delim = $delim,
    quote = '"',
    escape = '"',
    header = false,
    all_varchar = true,
    store_rejects = true,
    max_line_size = $max_line
)
