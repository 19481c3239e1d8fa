-- undo_upload: remove every row of one upload, restore what it superseded, mark it undone.
-- params: $upload_id.
delete from answers where upload_id = $upload_id;
delete from comments where upload_id = $upload_id;
delete from responses where upload_id = $upload_id;
delete from aggregates where upload_id = $upload_id;
delete from kiosk_counts where upload_id = $upload_id;
delete from library_facts where upload_id = $upload_id;
update responses set superseded_by = null where superseded_by = $upload_id;
update aggregates set superseded_by = null where superseded_by = $upload_id;
update uploads set status = 'undone' where upload_id = $upload_id;
