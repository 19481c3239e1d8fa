-- upload_libraries: which libraries each upload holds rows for (survey rows, vendor aggregates,
-- kiosk counts, forum packages), so the upload history can show a manager only the own uploads.
-- params: none.
-- output: upload_id, library_key (one row per pair).
select distinct upload_id, library_key from responses
union
select distinct upload_id, library_key from aggregates
union
select distinct upload_id, library_key from kiosk_counts
union
select distinct upload_id, library_key from forum_packages
