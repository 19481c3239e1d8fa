-- purge_before: delete the lineage rows of purged uploads (their report_json may quote rejected
-- raw values), after servicemirror/core/upload_tables.py removed every row they brought.
-- params: $upload_ids (a list of upload ids, from purge_uploads).
delete from uploads where list_contains($upload_ids, upload_id)
