-- next_upload_id: a fresh upload id.
select nextval('upload_ids')
