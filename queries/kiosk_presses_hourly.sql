-- kiosk_presses_hourly: smiley-kiosk presses (one row per button press) counted per hour straight
-- from the file: DuckDB streams the file through the aggregate, so 50 million presses never
-- become a table or a DataFrame (under 2 GB). The reader keeps the result as the table kiosk_raw.
-- Only the timestamp is worked on per press; the other cells are grouped as written and trimmed
-- afterwards on the few hundred thousand groups (kiosk_presses_counts), which is what keeps the
-- import close to a bare read_csv + group by. Presses whose timestamp cannot be read land in the
-- group with slot null; the reader reports them. Lines the parser cannot split go to
-- reject_errors (read them with csv_rejects).
-- The timestamp keeps its wall-clock time: a value the formats read as written is taken as is;
-- otherwise 'T' becomes a space and anything after the seconds (milliseconds, a +0100 offset) is
-- cut, because the kiosk's local hour is what staffed/unstaffed hours are about (HappyOrNot gives
-- timestamps "in survey time zone").
-- The columns are named by the reader ($header_types: every header name -> 'VARCHAR', in file order),
-- so DuckDB does not sniff the file again; a line with more or fewer cells is a reject.
-- params: $path, $delim, $max_line, $header_types; $ts_col, $time_col, $terminal_col, $question_col,
--   $button_col, $library_col, $branch_col: the file's header names (an absent column may repeat
--   any present name and is listed in $absent); $absent: list of absent fields among 'time',
--   'terminal', 'question', 'library', 'branch'; $ts_formats: strptime formats, tried in order.
-- output: library, branch, terminal, question, button (the cells as
--   written), slot (the hour as a timestamp; null = unreadable timestamp), n (presses).
with presses as (
    select
        case when list_contains($absent, 'library') then null else r[$library_col] end
            as library,
        case when list_contains($absent, 'branch') then null else r[$branch_col] end as branch,
        case when list_contains($absent, 'terminal') then null else r[$terminal_col] end
            as terminal,
        case when list_contains($absent, 'question') then null else r[$question_col] end
            as question,
        r[$ts_col] as stamp,
        case when list_contains($absent, 'time') then null else r[$time_col] end as clock,
        r[$button_col] as button
    from read_csv(
        $path,
        delim = $delim,
        quote = '"',
        escape = '"',
        header = true,
        auto_detect = false,
        columns = $header_types,
        store_rejects = true,
        max_line_size = $max_line
    ) r
)
select library, branch, terminal, question, button,
       date_trunc('hour', coalesce(
           try_strptime(
               case when list_contains($absent, 'time') then stamp
                    else stamp || ' ' || coalesce(clock, '') end,
               $ts_formats),
           try_strptime(
               left(
                   replace(
                       trim(stamp)
                       || case when list_contains($absent, 'time') then ''
                               else ' ' || coalesce(trim(clock), '') end,
                       'T', ' '),
                   19),
               $ts_formats))) as slot,
       count(*) as n
from presses
group by all
