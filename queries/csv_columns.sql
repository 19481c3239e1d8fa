-- csv_columns: the column names DuckDB gives a delimited UTF-8 file, reading no data rows (the
-- reader then names the columns it needs by these exact names, whatever the header's spelling).
-- params: $path, $delim, $max_line (bytes).
-- output: no rows; the cursor's description holds the column names in file order.
select *
from read_csv(
    $path,
    delim = $delim,
    quote = '"',
    escape = '"',
    header = true,
    all_varchar = true,
    max_line_size = $max_line
)
limit 0
