-- purge_before: delete every upload loaded before $before with all its rows, and its lineage row
-- (whose report_json may quote rejected raw values). Rows a purged upload had superseded belong to
-- older uploads, which this purge removes too; the two updates only guard against equal timestamps.
-- params: $before (a date).
update responses set superseded_by = null
where superseded_by in (select upload_id from uploads where loaded_at < cast($before as timestamp));
update aggregates set superseded_by = null
where superseded_by in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from answers
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from comments
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from comment_tones
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from comment_themes
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from responses
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from aggregates
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from kiosk_counts
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from library_facts
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from uploads where loaded_at < cast($before as timestamp);
