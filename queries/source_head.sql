-- source_head: the first records of `raw` (header rows and the first data rows), in file order.
-- params: $rows.
-- output: raw's columns.
select *
from raw
where rowid < $rows
order by rowid
