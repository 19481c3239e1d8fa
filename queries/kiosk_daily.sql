-- kiosk_daily: smiley-kiosk presses per library, terminal, date, question and button, counted once.
-- THE double-count rule (docs/formats/kiosk.md): for each library x terminal x date exactly one
-- upload supplies the counts. Hour-resolved rows (button presses or hourly counts, hour 0-23) win
-- over a daily-count export of the same terminal and day (stored with hour = -1); between uploads
-- of the same kind the newest active upload wins (a re-export replaces the older one). Undoing
-- an upload brings the next source back, because nothing is deleted.
-- Hourly views read kiosk_counts with hour >= 0 only: daily counts have no hour.
-- Forum packages carry kiosk days too (forum_kiosk_days: per library x day, terminals
-- and hours summed). A package day counts only when the installation has NO local kiosk_counts
-- row of that library and date: local counts are the finer source and the package's days were
-- made from them, so counting both would double the presses. A forum installation has only
-- package days; of packages, only the current (not superseded) one of an active upload counts.
-- params: none.
-- output: library_key, branch_key, terminal, date, question, button (1-4), n, hourly (bool:
--   the counts come from presses / hourly counts, false = a daily-count export or a package
--   day), upload_id, source ('kiosk' = local kiosk_counts, 'package' = a forum package;
--   package days have no branch or terminal).
with chosen as (
    select library_key, coalesce(terminal, '') as terminal_key, date,
           max((hour >= 0)::bigint * 4294967296 + upload_id) % 4294967296 as upload_id
    from current_kiosk_counts
    group by all
),
local_days as (
    select a.library_key, any_value(a.branch_key) as branch_key, a.terminal, a.date, a.question,
           a.button, sum(a.n) as n, bool_or(a.hour >= 0) as hourly, a.upload_id,
           'kiosk' as source
    from current_kiosk_counts a
    join chosen c
      on c.library_key = a.library_key
     and c.terminal_key = coalesce(a.terminal, '')
     and c.date = a.date
     and c.upload_id = a.upload_id
    group by a.library_key, a.terminal, a.date, a.question, a.button, a.upload_id
),
package_days as (
    select f.library_key, null::varchar as branch_key, null::varchar as terminal, f.date,
           f.question, f.button, f.n, false as hourly, f.upload_id, 'package' as source
    from current_forum_kiosk_days f
)
select * from local_days
union all
select p.* from package_days p
where not exists (
    select 1 from local_days l where l.library_key = p.library_key and l.date = p.date
)
order by library_key, terminal, date, question, button
