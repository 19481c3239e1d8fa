-- backup_tables: every table of the database (export writes each one; restore expects each one).
-- params: none. output: table_name (sorted).
select table_name
from information_schema.tables
where table_schema = 'main' and table_type = 'BASE TABLE'
  -- the stored published cells (migrate_10.sql) are built from the other tables, not backed up:
  -- a restore builds them again
  and table_name not in ('published_cells', 'published_branch_cells', 'published_state')
order by table_name
