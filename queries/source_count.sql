-- source_count: how many data records `src` holds.
-- params: none.
-- output: n.
select count(*) as n
from src
