-- kiosk_presses_buttons: the distinct button cells of a press file as written, with their
-- presses: the reader turns these few cells into buttons 1-4 in Python (never one per press)
-- and counts the presses that cannot be used (a cell that is no button, or no readable timestamp).
-- params: none; reads the table kiosk_raw (kiosk_presses_hourly).
-- output: text (as written; null = empty), cell (trimmed; null = blank), presses, unreadable
--   (presses of the cell without a readable timestamp).
select button as text,
       nullif(trim(button), '') as cell,
       sum(n)::bigint as presses,
       coalesce(sum(n) filter (where slot is null), 0)::bigint as unreadable
from kiosk_raw
group by button
order by text
