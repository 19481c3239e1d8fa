-- kiosk_by_hour: smiley-kiosk presses per library x weekday x hour, kept apart from the survey
-- index (presses are counts, not respondents). Buttons 1..4 (4 = happiest) become a 0-100 score
-- as (button - 1) / 3 * 100. `staffed` comes from library facts `staffed_start_<d>` and
-- `staffed_end_<d>` (d = ISO weekday 1 = Monday .. 7 = Sunday; hours 0-24, end exclusive), taken
-- from the library's latest period that has them; null when not known. A day without a staffed
-- start/end while other days have one counts as unstaffed.
-- params: none.
-- output: library_key, weekday (1-7), hour, staffed (bool or null), presses, score, happiest_share.
with facts as (
    select f.library_key, f.name, arg_max(f.value, f.period) as value
    from current_library_facts f
    where (f.name like 'staffed_start_%' or f.name like 'staffed_end_%')
    group by all
),
known as (select distinct library_key from facts),
presses as (
    select k.library_key, isodow(k.date) as weekday, k.hour,
           sum(k.n) as presses,
           sum(k.n * (k.button - 1)) * 100.0 / (3 * sum(k.n)) as score,
           sum(case when k.button = 4 then k.n else 0 end) * 1.0 / sum(k.n) as happiest_share
    from current_kiosk_counts k
    -- hour -1 = a daily-count export (no hour known); those days count in kiosk_daily only
    where k.hour >= 0
    group by all
)
select p.library_key, p.weekday, p.hour,
       case when kn.library_key is null then null
            else coalesce(p.hour >= s.value and p.hour < e.value, false) end as staffed,
       p.presses, p.score, p.happiest_share
from presses p
left join known kn on kn.library_key = p.library_key
left join facts s on s.library_key = p.library_key and s.name = 'staffed_start_' || p.weekday
left join facts e on e.library_key = p.library_key and e.name = 'staffed_end_' || p.weekday
order by p.library_key, p.weekday, p.hour
