-- upload_rows_delete: remove the rows some uploads brought from ONE upload-owned table (undo, purge).
-- A template: {table} is filled by queries.on_table with a name from the closed list in
-- servicemirror/core/upload_tables.py (never from input), so the one list decides which tables are
-- emptied. params: $upload_ids (a list of upload ids).
delete from {table} where list_contains($upload_ids, upload_id)
