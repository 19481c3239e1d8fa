-- kiosk_daily: smiley-kiosk presses per library, terminal, date, question and button, counted once.
-- THE double-count rule (docs/formats/kiosk.md): for each library x terminal x date exactly one
-- upload supplies the counts. Hour-resolved rows (button presses or hourly counts, hour 0-23) win
-- over a daily-count export of the same terminal and day (stored with hour = -1); between uploads
-- of the same kind the newest active upload wins (a re-export replaces the older one). Undoing
-- an upload brings the next source back, because nothing is deleted.
-- Hourly views read kiosk_counts with hour >= 0 only: daily counts have no hour.
-- params: none.
-- output: library_key, branch_key, terminal, date, question, button (1-4), n, hourly (bool:
--   the counts come from presses / hourly counts, false = a daily-count export), upload_id.
with active as (
    select k.*
    from kiosk_counts k
    join uploads u using (upload_id)
    where u.status = 'active'
),
chosen as (
    select library_key, coalesce(terminal, '') as terminal_key, date,
           max((hour >= 0)::bigint * 4294967296 + upload_id) % 4294967296 as upload_id
    from active
    group by all
)
select a.library_key, any_value(a.branch_key) as branch_key, a.terminal, a.date, a.question,
       a.button, sum(a.n) as n, bool_or(a.hour >= 0) as hourly, a.upload_id
from active a
join chosen c
  on c.library_key = a.library_key
 and c.terminal_key = coalesce(a.terminal, '')
 and c.date = a.date
 and c.upload_id = a.upload_id
group by a.library_key, a.terminal, a.date, a.question, a.button, a.upload_id
order by a.library_key, a.terminal, a.date, a.question, a.button
