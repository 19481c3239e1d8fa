-- upload_rows_count: how many rows some uploads brought to one upload-owned table (what undo and
-- purge remove). params: $upload_table (a table name from servicemirror/core/upload_tables.py; query_table()
-- takes it as a value, not as SQL), $upload_ids (a list of upload ids). output: one integer.
select count(*) from query_table($upload_table) where list_contains($upload_ids, upload_id)
