-- segment_cells: patron satisfaction per library x period x touchpoint ('' = overall) x segment,
-- on the 0-100 index, for "differentiated service". A segment is one value of one
-- segment column (dimension: age_band | visit_frequency | user_type | channel); patrons who left
-- the column blank form no segment. Scores as in cells.sql: a respondent's score is the mean of
-- their answered items of that touchpoint, rescaled; the cell mean is over respondents. Figures
-- here are NOT yet publishable: analysis/segments.py applies the small-cell rule.
-- output: library_key, period, touchpoint, dimension, segment, n, mean, sd.
with patrons as (
    select r.* from current_responses r where r.respondent_type = 'patron'
),
person as (
    select r.library_key, r.period, r.response_id,
           coalesce(case when i.construct = 'touchpoint' then i.touchpoint end,
                    case when i.construct = 'satisfaction' then r.touchpoint end, '') as touchpoint,
           any_value(r.age_band) as age_band,
           any_value(r.visit_frequency) as visit_frequency,
           any_value(r.user_type) as user_type,
           any_value(r.channel) as channel,
           avg((a.value - i.scale_min) / nullif(i.scale_max - i.scale_min, 0) * 100) as score
    from patrons r
    join answers a using (response_id)
    join items i on i.item_code = a.item_code
    where a.value is not null and i.construct in ('satisfaction', 'touchpoint')
    group by r.library_key, r.period, r.response_id, 4
),
long as (
    unpivot person
    on age_band, visit_frequency, user_type, channel
    into name dimension value segment
)
select library_key, period, touchpoint, dimension, segment,
       count(*) as n, avg(score) as mean, stddev_samp(score) as sd
from long
where segment is not null and trim(segment) <> ''
group by all
order by library_key, period, touchpoint, dimension, segment
