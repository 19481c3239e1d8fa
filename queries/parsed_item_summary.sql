-- parsed_item_summary: per item, its first column, how many valid ratings, their mean and the
-- counts an NPS is made of, in the order the items first appear among the answers.
-- params: none.
-- output: item, "column", n, mean, promoters, detractors (counts of values >= 9 and <= 6).
select m.item,
       arg_min(m."column", a.seq) as "column",
       count(m.value) as n,
       avg(m.value) as mean,
       count(*) filter (where m.value >= 9) as promoters,
       count(*) filter (where m.value <= 6) as detractors
from parsed_answers a
join parsed_map m using (map_id)
group by m.item
order by min(a.seq)
