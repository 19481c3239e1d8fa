-- kiosk_presses_buttons: the distinct button cells of a press file (trimmed; blank left out), for
-- the reader to turn into buttons 1-4 in Python: a file has a handful, never one per press.
-- params: none; reads the table kiosk_raw (kiosk_presses_hourly).
-- output: text.
select distinct nullif(trim(button), '') as text
from kiosk_raw
where nullif(trim(button), '') is not null
order by text
