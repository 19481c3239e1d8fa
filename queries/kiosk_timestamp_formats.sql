-- kiosk_timestamp_formats: how many of the sampled timestamps of a press file one format reads,
-- so the reader can try the best first (DuckDB's own strptime, the one the count uses; Python's
-- compiled a regular expression per format, a fifth of a second on every load). DuckDB wants
-- the format as a constant: the reader asks once per candidate format.
-- params: $stamps (the first values of the timestamp column, cleaned as kiosk_presses_hourly
--   does), $format (one candidate format).
-- output: fits (sampled values it reads).
select count(*) as fits
from unnest($stamps) as s(stamp)
where try_strptime(s.stamp, $format) is not null
