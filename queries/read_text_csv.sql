-- read_text_csv: read a UTF-8 delimited file with every column as text; broken lines go to the
-- rejects table instead of failing the read.
-- params: $path, $delim, $skip (lines before the header), $header (bool), $max_line (bytes).
-- output: the file's columns as varchar, in file order.
select *
from read_csv(
    $path,
    delim = $delim,
    quote = '"',
    escape = '"',
    header = $header,
    skip = $skip,
    all_varchar = true,
    store_rejects = true,
    max_line_size = $max_line
)
