-- purge_before_forum: the forum installation's rows (schema 2, migrate_2.sql) of every upload loaded
-- before $before; run by purge before purge_before, and only when the forum tables exist. Consent
-- (libraries.consent_named) is left as the library last gave it.
-- params: $before (a date).
update library_facts set superseded_by = null
where superseded_by in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from forum_cells
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from forum_items
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from forum_item_covariances
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from forum_kiosk_days
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from forum_comment_themes
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
delete from forum_packages
where upload_id in (select upload_id from uploads where loaded_at < cast($before as timestamp));
