-- answers_item_summary: per item, its first column, how many valid ratings, their mean and the
-- shares an NPS is made of, in the order the items first appear among the answers.
-- params: none.
-- output: item, column, n, mean, promoters, detractors (counts of values >= 9 and <= 6).
select item,
       arg_min("column", seq) as "column",
       count(value) as n,
       avg(value) as mean,
       count(*) filter (where value >= 9) as promoters,
       count(*) filter (where value <= 6) as detractors
from answers
group by item
order by min(seq)
