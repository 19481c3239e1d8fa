-- upload_tables_catalog: every base table with an upload_id column (the rows an upload brings),
-- from DuckDB's catalog, and whether a newer upload can supersede its rows (a superseded_by
-- column). Views (current_*) are left out: they hold no rows of their own.
-- params: none. output: table_name (sorted), supersedable (bool).
select c.table_name, bool_or(c.column_name = 'superseded_by') as supersedable
from duckdb_columns() c
join duckdb_tables() t on t.schema_name = c.schema_name and t.table_name = c.table_name
where c.schema_name = 'main' and c.table_name <> 'uploads'
group by c.table_name
having bool_or(c.column_name = 'upload_id')
order by c.table_name
