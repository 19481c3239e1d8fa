-- undo_upload: after servicemirror/core/upload_tables.py removed one upload's rows and brought back what
-- it superseded, let the newest remaining active forum package of each of its libraries decide
-- consent (none left: not named; its forum_packages rows stay, listed as undone), and mark the
-- upload undone. params: $upload_id.
update libraries set consent_named = coalesce((
    select arg_max(p.consent_named, p.upload_id)
    from forum_packages p join uploads u using (upload_id)
    where p.library_key = libraries.library_key and u.status = 'active' and p.upload_id <> $upload_id
), false)
where library_key in (select library_key from forum_packages where upload_id = $upload_id);
update uploads set status = 'undone' where upload_id = $upload_id;
