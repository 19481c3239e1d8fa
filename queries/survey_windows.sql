-- survey_windows: when each library x period x side was surveyed (fieldwork dates), so that a
-- project's start date can be placed before, inside or after a period (analysis/projects.py).
-- Only current rows count (not superseded, not undone); respondents without a date are counted
-- apart so the caller can tell a partly dated period from a dated one. Vendor aggregates carry
-- no dates: their periods are absent here and are placed by their label.
-- output: library_key, period, side, first_submitted, last_submitted, n_dated, n_undated.
select r.library_key, r.period, r.respondent_type as side,
       min(r.submitted_at) as first_submitted,
       max(r.submitted_at) as last_submitted,
       count(r.submitted_at) as n_dated,
       count(*) - count(r.submitted_at) as n_undated
from current_responses r
group by all
order by r.library_key, r.period, side
