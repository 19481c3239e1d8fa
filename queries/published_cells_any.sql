-- published_cells_any: whether any published cell is stored (queries/migrate_10.sql), staff
-- branch cells included: none in a new database, where a refresh of an upload's library-periods
-- is every cell there is (servicemirror/privacy/cells_table.py).
-- params: none. output: one boolean.
select exists (select 1 from published_cells) or exists (select 1 from published_branch_cells)
