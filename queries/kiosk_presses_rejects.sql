-- kiosk_presses_rejects: the first 20 presses a kiosk file could not use, with their record
-- number (1 = first data row), for the rejection messages. Run only when kiosk_presses_hourly
-- found such presses; the numbering needs the file order, so run it on a connection that keeps
-- insertion order (the default).
-- params: as kiosk_presses_hourly, plus $bad_buttons (list of button texts that are not a button).
-- output: record, timestamp (text as written), button (text as written).
with numbered as (
    select
        row_number() over () as record,
        trim(r[$ts_col])
            || case when list_contains($absent, 'time') then ''
                    else ' ' || coalesce(trim(r[$time_col]), '') end as timestamp,
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
select record, timestamp, button
from numbered
where try_strptime(left(replace(timestamp, 'T', ' '), 19), $ts_formats) is null
   or button is null
   or list_contains($bad_buttons, button)
order by record
limit 20
