-- backup_table: every row of one table, in a stable order (for CSV export and round-trip checks).
-- params: $name (a table name from backup_tables; query_table() takes it as a value, not as SQL).
-- output: the table's columns.
select * from query_table($name) order by all
