-- kiosk_presses_hourly_typed: kiosk_presses_hourly's counts when the file's timestamps are all
-- in one format: DuckDB reads the timestamp column typed ($ts_format) while it parses the file,
-- instead of every cell as text followed by try_strptime over a list of formats and a clean-up,
-- which cost about a fifth of the whole count. The reader tries it when one format reads every
-- sampled timestamp as written; a timestamp it cannot read becomes a CAST reject in
-- reject_errors, and then the reader throws this result away and counts the file with
-- kiosk_presses_hourly (the all-text reading), so the counts, messages and row problems are
-- the same either way. An empty timestamp reads as null here as there (slot null).
-- params: as kiosk_presses_hourly but without the time column and the list of formats ('time'
--   is always in $absent: a date and a time column go the text way); $header_types names the
--   timestamp column 'TIMESTAMP' and every other column 'VARCHAR'; $ts_format: one strptime
--   format; $quote: '"', or '' for a file with no double quote anywhere in it (then both read it
--   alike, and DuckDB's reader skips its quote handling: about a tenth of the count).
-- output: as kiosk_presses_hourly: library, branch, terminal, question, button (the cells as
--   written), slot (the hour as a timestamp; null = empty timestamp), n (presses).
select
    case when list_contains($absent, 'library') then null else r[$library_col]::varchar end
        as library,
    case when list_contains($absent, 'branch') then null else r[$branch_col]::varchar end
        as branch,
    case when list_contains($absent, 'terminal') then null else r[$terminal_col]::varchar end
        as terminal,
    case when list_contains($absent, 'question') then null else r[$question_col]::varchar end
        as question,
    r[$button_col]::varchar as button,
    -- already a TIMESTAMP: the cast only spells out the type for the binder
    date_trunc('hour', try_cast(r[$ts_col] as timestamp)) as slot,
    count(*) as n
from read_csv(
    $path,
    delim = $delim,
    quote = $quote,
    escape = $quote,
    header = true,
    auto_detect = false,
    columns = $header_types,
    timestampformat = $ts_format,
    store_rejects = true,
    max_line_size = $max_line
) r
group by all
