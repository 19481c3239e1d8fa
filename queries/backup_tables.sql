-- backup_tables: every table of the database (export writes each one; restore expects each one).
-- params: none. output: table_name (sorted).
select table_name
from information_schema.tables
where table_schema = 'main' and table_type = 'BASE TABLE'
order by table_name
