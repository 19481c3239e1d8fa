-- kiosk_presses_counts_clean: the hourly counts of a press file whose place cells need no
-- trimming (kiosk_presses_cells_clean) and whose button cells each stand for a different button:
-- no two counted groups can fold into one, so the groups go out as counted, button cells turned
-- into buttons 1-4 by a join with kiosk_buttons. Same rows as kiosk_presses_counts (a test
-- compares them) without trimming and grouping half a million rows again.
-- params: none; reads the table kiosk_raw (kiosk_presses_hourly) and the registered table
--   kiosk_buttons (text as written, button).
-- output: as kiosk_presses_counts.
select
    k.library, k.branch, k.terminal, k.slot::date as date, hour(k.slot)::integer as hour,
    k.question, b.button, k.n::bigint as n
from kiosk_raw k
join kiosk_buttons b on b.text = k.button
where k.slot is not null
