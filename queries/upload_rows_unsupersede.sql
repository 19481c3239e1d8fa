-- upload_rows_unsupersede: rows that some uploads had superseded become current again (undo; in a
-- purge the superseded rows are older and go too, so this only guards against equal timestamps).
-- A template: {table} is filled by queries.on_table with a name from the closed list in
-- servicemirror/core/upload_tables.py whose table has a superseded_by column.
-- params: $upload_ids (a list of upload ids).
update {table} set superseded_by = null where list_contains($upload_ids, superseded_by)
