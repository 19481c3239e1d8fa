-- purge_tables: every table with an upload_id column, i.e. every table whose rows an upload brings
-- (purge refuses to run when one of them is not covered by purge_before / purge_before_forum).
-- params: none. output: table_name (sorted).
select table_name
from information_schema.columns
where table_schema = 'main' and column_name = 'upload_id'
order by table_name
