-- backup_table_count: the number of rows of one table (export manifest; restore's "is it empty?").
-- params: $name (a table name from backup_tables). output: one integer.
select count(*) from query_table($name)
