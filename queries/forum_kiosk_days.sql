-- forum_kiosk_days: smiley-kiosk presses of one library per day, question and button (hours,
-- terminals and branches summed: the forum gets no finer grain than a day). Active uploads only.
-- params: $library_key.
-- output: library_key, date, question, button, n.
select k.library_key, k.date, k.question, k.button, sum(k.n)::bigint as n
from current_kiosk_counts k
where k.library_key = $library_key
group by all
order by k.date, k.question, k.button
