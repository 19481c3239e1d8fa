-- comment_theme_counts: how many comments of each library x period carry each theme, with their
-- tone counts, from stored comments and (on a forum installation) from forum packages. Counts
-- only, never text; the k_comments rule is applied by servicemirror/app/comments.py on n_group.
-- params: $library_key ('' = all), $period ('' = all), $touchpoint ('' = all; package rows carry
--         no touchpoint and are left out when one is chosen), $side ('patron' | 'staff').
-- output: library_key, period, side, theme ('' = all comments of the group), n_comments,
--         positive, neutral, negative, n_group (current respondents of that side, and touchpoint
--         if chosen, in the library x period), source ('rows' | 'package').
with side_responses as (
    select r.response_id, r.library_key, r.period, r.respondent_type as side
    from current_responses r
    where r.respondent_type = $side
      and ($library_key = '' or r.library_key = $library_key)
      and ($period = '' or r.period = $period)
      and ($touchpoint = '' or coalesce(r.touchpoint, '') = $touchpoint)
),
groups as (
    select library_key, period, side, count(*) as n_group
    from side_responses group by library_key, period, side
),
tagged as (
    select cr.library_key, cr.period, cr.side, c.response_id, c.item_code, t.tone
    from comments c
    join side_responses cr using (response_id)
    join comment_tones t
      on t.response_id = c.response_id and t.item_code is not distinct from c.item_code
),
counted as (
    select x.library_key, x.period, x.side, th.theme, count(*) as n_comments,
           count(*) filter (where x.tone = 'positive') as positive,
           count(*) filter (where x.tone = 'neutral') as neutral,
           count(*) filter (where x.tone = 'negative') as negative
    from tagged x
    join comment_themes th
      on th.response_id = x.response_id and th.item_code is not distinct from x.item_code
    group by x.library_key, x.period, x.side, th.theme
    union all
    select library_key, period, side, '' as theme, count(*) as n_comments,
           count(*) filter (where tone = 'positive') as positive,
           count(*) filter (where tone = 'neutral') as neutral,
           count(*) filter (where tone = 'negative') as negative
    from tagged
    group by library_key, period, side
),
from_rows as (
    select c.library_key, c.period, c.side, c.theme, c.n_comments, c.positive, c.neutral,
           c.negative, g.n_group, 'rows' as source
    from counted c join groups g using (library_key, period, side)
),
from_packages as (
    select f.library_key, f.period, f.side, f.theme, f.n_comments, f.positive, f.neutral,
           f.negative, f.n_group, 'package' as source
    from current_forum_comment_themes f
    where f.side = $side
      and $touchpoint = ''
      and ($library_key = '' or f.library_key = $library_key)
      and ($period = '' or f.period = $period)
      and not exists (
          select 1 from groups g
          where g.library_key = f.library_key and g.period = f.period and g.side = f.side
      )
)
select * from from_rows
union all
select * from from_packages
order by library_key, period, theme
