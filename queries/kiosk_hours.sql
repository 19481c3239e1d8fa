-- kiosk_hours: smiley-kiosk presses by weekday x hour for one library or the whole forum, as the
-- Services page shows them (kiosk_by_hour's figures summed over the libraries chosen, in the
-- engine rather than in pandas). Buttons 1..4 (4 = happiest) become a 0-100 score as
-- (button - 1) / 3 * 100. `staffed` as in kiosk_by_hour (library facts `staffed_start_<d>` /
-- `staffed_end_<d>`, the latest period that has them); over several libraries it is kept only
-- when they all agree (all staffed, all unstaffed or all unknown), else null.
-- params: $library_key (null = every library).
-- output: weekday (1-7), hour, staffed (bool or null), presses, score, happiest_share.
with facts as (
    select f.library_key, f.name, arg_max(f.value, f.period) as value
    from current_library_facts f
    where (f.name like 'staffed_start_%' or f.name like 'staffed_end_%')
      and ($library_key is null or f.library_key = $library_key)
    group by all
),
known as (select distinct library_key from facts),
presses as (
    select k.library_key, isodow(k.date) as weekday, k.hour,
           sum(k.n) as presses,
           sum(k.n * (k.button - 1)) as points,
           sum(case when k.button = 4 then k.n else 0 end) as happiest
    from current_kiosk_counts k
    -- hour -1 = a daily-count export (no hour known); those days count in kiosk_daily only
    where k.hour >= 0 and ($library_key is null or k.library_key = $library_key)
    group by all
),
per_library as (
    select p.weekday, p.hour, p.presses, p.points, p.happiest,
           case when kn.library_key is null then null
                else coalesce(p.hour >= s.value and p.hour < e.value, false) end as staffed
    from presses p
    left join known kn on kn.library_key = p.library_key
    left join facts s on s.library_key = p.library_key and s.name = 'staffed_start_' || p.weekday
    left join facts e on e.library_key = p.library_key and e.name = 'staffed_end_' || p.weekday
)
select weekday, hour,
       case when count(distinct coalesce(staffed::int, -1)) = 1 then any_value(staffed) end
           as staffed,
       sum(presses) as presses,
       sum(points) * 100.0 / (3 * sum(presses)) as score,
       sum(happiest) * 1.0 / sum(presses) as happiest_share
from per_library
group by weekday, hour
order by weekday, hour
