-- kiosk_presses_unusable: how many presses of a press file can be used, and which do not count:
-- no readable timestamp, a blank button cell, or a button cell that is not a button.
-- params: none; reads the table kiosk_raw (kiosk_presses_hourly) and the registered
--   table kiosk_buttons (text, button).
-- output: one row: presses (all presses read), bad (presses not counted), bad_buttons (the
--   button cells that are not a button, sorted).
with cells as (
    select k.slot, nullif(trim(k.button), '') as text, b.button, k.n
    from kiosk_raw k
    left join kiosk_buttons b on b.text = nullif(trim(k.button), '')
)
select
    coalesce(sum(n), 0)::bigint as presses,
    coalesce(sum(n) filter (where slot is null or button is null), 0)::bigint as bad,
    coalesce(list_sort(list_distinct(list(text) filter (where text is not null and button is null))), [])
        as bad_buttons
from cells
