-- answers_count: how many answers the table holds.
-- params: none.
-- output: n.
select count(*) as n
from answers
