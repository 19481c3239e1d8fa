-- supersede_forum_package: a newer package replaces what older packages said about the same
-- library x period (kept for undo: rows are marked, not deleted). Run BEFORE the new rows are
-- inserted; `new_forum_packages` (library_key, period) names what the new package covers.
-- params: $upload_id (the new package's upload).
update forum_packages set superseded_by = $upload_id
where superseded_by is null
  and (library_key, period) in (select library_key, period from new_forum_packages);
update forum_cells set superseded_by = $upload_id
where superseded_by is null
  and (library_key, period) in (select library_key, period from new_forum_packages);
update forum_items set superseded_by = $upload_id
where superseded_by is null
  and (library_key, period) in (select library_key, period from new_forum_packages);
update forum_item_covariances set superseded_by = $upload_id
where superseded_by is null
  and (library_key, period) in (select library_key, period from new_forum_packages);
update forum_kiosk_days set superseded_by = $upload_id
where superseded_by is null
  and (library_key, period) in (select library_key, period from new_forum_packages);
update forum_comment_themes set superseded_by = $upload_id
where superseded_by is null
  and (library_key, period) in (select library_key, period from new_forum_packages);
update library_facts set superseded_by = $upload_id
where superseded_by is null
  and upload_id in (select upload_id from forum_packages)
  and (library_key, period) in (select library_key, period from new_forum_packages)
