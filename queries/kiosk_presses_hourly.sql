-- kiosk_presses_hourly: smiley-kiosk presses (one row per button press) counted per terminal,
-- date, hour and button, straight from the file: DuckDB streams the file through the aggregate,
-- so 50 million presses never become a table or a DataFrame (under 2 GB). Presses whose
-- timestamp cannot be read land in the group with date null; the reader reports them. Lines the
-- parser cannot split go to reject_errors (read them with csv_rejects).
-- The timestamp keeps its wall-clock time: 'T' becomes a space and anything after the seconds
-- (milliseconds, a +0100 offset) is cut, because the kiosk's local hour is what staffed/unstaffed
-- hours are about (HappyOrNot gives timestamps "in survey time zone").
-- params: $path, $delim, $max_line; $ts_col, $time_col, $terminal_col, $question_col,
--   $button_col, $library_col, $branch_col: the file's header names (an absent column may repeat
--   any present name and is listed in $absent); $absent: list of absent fields among 'time',
--   'terminal', 'question', 'library', 'branch'; $ts_formats: strptime formats, tried in order.
-- output: library, branch, terminal, question, date (null = unreadable timestamp), hour,
--   button (the trimmed text as written; null = blank), n (presses).
with presses as (
    select
        case when list_contains($absent, 'library') then null
             else nullif(trim(r[$library_col]), '') end as library,
        case when list_contains($absent, 'branch') then null
             else nullif(trim(r[$branch_col]), '') end as branch,
        case when list_contains($absent, 'terminal') then null
             else nullif(trim(r[$terminal_col]), '') end as terminal,
        case when list_contains($absent, 'question') then null
             else nullif(trim(r[$question_col]), '') end as question,
        try_strptime(
            left(
                replace(
                    trim(r[$ts_col])
                    || case when list_contains($absent, 'time') then ''
                            else ' ' || coalesce(trim(r[$time_col]), '') end,
                    'T', ' '),
                19),
            $ts_formats) as ts,
        nullif(trim(r[$button_col]), '') as button
    from read_csv(
        $path,
        delim = $delim,
        quote = '"',
        escape = '"',
        header = true,
        all_varchar = true,
        store_rejects = true,
        max_line_size = $max_line
    ) r
)
select library, branch, terminal, question, ts::date as date, hour(ts) as hour, button,
       count(*) as n
from presses
group by all
