-- persona_cells: patron satisfaction per library x period x touchpoint ('' = overall) for the
-- patrons matching one persona (a combination of segment values; a null parameter = any value),
-- on the 0-100 index, scored as in cells.sql. Not yet publishable: analysis/segments.py applies
-- the small-cell rule.
-- params: $age_band, $visit_frequency, $user_type, $channel (each nullable).
-- output: library_key, period, touchpoint, n, mean, sd.
with patrons as (
    select r.* from current_responses r
    where r.respondent_type = 'patron'
      and ($age_band is null or r.age_band = $age_band)
      and ($visit_frequency is null or r.visit_frequency = $visit_frequency)
      and ($user_type is null or r.user_type = $user_type)
      and ($channel is null or r.channel = $channel)
),
person as (
    select r.library_key, r.period, r.response_id,
           coalesce(case when i.construct = 'touchpoint' then i.touchpoint end,
                    case when i.construct = 'satisfaction' then r.touchpoint end, '') as touchpoint,
           avg((a.value - i.scale_min) / nullif(i.scale_max - i.scale_min, 0) * 100) as score
    from patrons r
    join answers a using (response_id)
    join items i on i.item_code = a.item_code
    where a.value is not null and i.construct in ('satisfaction', 'touchpoint')
    group by all
)
select library_key, period, touchpoint, count(*) as n, avg(score) as mean, stddev_samp(score) as sd
from person
group by all
order by library_key, period, touchpoint
