-- patron_comments: the scrubbed free-text comments of one library's patrons in one period, with
-- the size of the patron group they come from (for the comments threshold k_comments).
-- Comments are scrubbed at load time (e-mail, phone, CPR, listed names); only patron comments.
-- params: $library_key, $period.
-- output: text, touchpoint, n_group (current patron respondents of the library in the period).
with current_patrons as (
    select r.* from current_responses r
    where r.respondent_type = 'patron'
      and r.library_key = $library_key and r.period = $period
)
select c.text, coalesce(p.touchpoint, '') as touchpoint,
       (select count(*) from current_patrons) as n_group
from comments c
join current_patrons p using (response_id)
order by c.response_id
