-- backup_table_parquet: write one table to a Parquet file (exact types, lists and timestamps kept).
-- params: $name (a table name from backup_tables), $path (the target file).
copy (select * from query_table($name) order by all) to $path (format parquet)
