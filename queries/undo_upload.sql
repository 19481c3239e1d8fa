-- undo_upload: remove every row of one upload, restore what it superseded, mark it undone.
-- params: $upload_id.
delete from answers where upload_id = $upload_id;
delete from comments where upload_id = $upload_id;
delete from comment_tones where upload_id = $upload_id;
delete from comment_themes where upload_id = $upload_id;
delete from responses where upload_id = $upload_id;
delete from aggregates where upload_id = $upload_id;
delete from kiosk_counts where upload_id = $upload_id;
delete from library_facts where upload_id = $upload_id;
update responses set superseded_by = null where superseded_by = $upload_id;
update aggregates set superseded_by = null where superseded_by = $upload_id;
-- forum packages (schema 2): drop the package's rows (its forum_packages rows stay, listed as
-- undone), bring back what it replaced, and let the newest remaining active package of each of
-- its libraries decide consent (none left: not named)
delete from forum_cells where upload_id = $upload_id;
delete from forum_items where upload_id = $upload_id;
delete from forum_item_covariances where upload_id = $upload_id;
delete from forum_kiosk_days where upload_id = $upload_id;
delete from forum_comment_themes where upload_id = $upload_id;
update forum_cells set superseded_by = null where superseded_by = $upload_id;
update forum_items set superseded_by = null where superseded_by = $upload_id;
update forum_item_covariances set superseded_by = null where superseded_by = $upload_id;
update forum_kiosk_days set superseded_by = null where superseded_by = $upload_id;
update forum_comment_themes set superseded_by = null where superseded_by = $upload_id;
update library_facts set superseded_by = null where superseded_by = $upload_id;
update forum_packages set superseded_by = null where superseded_by = $upload_id;
update libraries set consent_named = coalesce((
    select arg_max(p.consent_named, p.upload_id)
    from forum_packages p join uploads u using (upload_id)
    where p.library_key = libraries.library_key and u.status = 'active' and p.upload_id <> $upload_id
), false)
where library_key in (select library_key from forum_packages where upload_id = $upload_id);
update uploads set status = 'undone' where upload_id = $upload_id;
