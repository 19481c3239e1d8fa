-- kiosk_presses_counts: the hourly counts of a press file, cells trimmed (blank = none) and button
-- cells turned into buttons 1-4 by a join with the registered table kiosk_buttons; labels and
-- numbers for the same face ("4", "Meget glad") and cells that differ only in spaces fold into
-- one count. (kiosk_presses_counts_clean gives the same rows faster when nothing can fold.) Presses without a readable
-- timestamp or button are left out (the reader counts them from kiosk_presses_buttons).
-- params: none; reads the table kiosk_raw (kiosk_presses_hourly) and the registered
--   table kiosk_buttons (text as written, button).
-- output: library, branch, terminal, date, hour, question, button, n: the reader's kiosk
--   columns but row, which the reader numbers (1.., for messages, in no particular order:
--   numbering them in key order cost a sort of every row, more than the rest of this query, and
--   row_number() over () a single-threaded pass; the reader adds it to the Arrow table).
with cleaned as (
    select
        nullif(trim(k.library), '') as library,
        nullif(trim(k.branch), '') as branch,
        nullif(trim(k.terminal), '') as terminal,
        nullif(trim(k.question), '') as question,
        k.slot,
        b.button,
        k.n
    from kiosk_raw k
    join kiosk_buttons b on b.text = k.button
    where k.slot is not null
),
hourly as (
    select library, branch, terminal, question, slot, button::integer as button, sum(n) as n
    from cleaned
    group by all
)
select
    library, branch, terminal, slot::date as date, hour(slot)::integer as hour, question, button,
    n::bigint as n
from hourly
