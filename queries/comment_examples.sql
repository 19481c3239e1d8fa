-- comment_examples: the scrubbed comments of one library x period and side with their tone and
-- themes (for the manager's own examples; the page and CLI decide who may see text).
-- params: $library_key, $period, $side ('patron' | 'staff'), $touchpoint ('' = all).
-- output: response_id, item_code, text, touchpoint, tone, themes ('|'-joined, '' = none), n_group.
with group_responses as (
    select r.response_id, coalesce(r.touchpoint, '') as touchpoint
    from current_responses r
    where r.respondent_type = $side
      and r.library_key = $library_key and r.period = $period
      and ($touchpoint = '' or coalesce(r.touchpoint, '') = $touchpoint)
)
select c.response_id, c.item_code, c.text, cr.touchpoint, coalesce(t.tone, 'neutral') as tone,
       coalesce((
           select string_agg(th.theme, '|' order by th.theme) from comment_themes th
           where th.response_id = c.response_id and th.item_code is not distinct from c.item_code
       ), '') as themes,
       (select count(*) from group_responses) as n_group
from comments c
join group_responses cr using (response_id)
left join comment_tones t
  on t.response_id = c.response_id and t.item_code is not distinct from c.item_code
order by c.response_id, c.item_code
