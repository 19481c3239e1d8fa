-- insert_comment_themes: store the registered frame `new_comment_themes` (response_id, upload_id,
-- item_code, theme). params: none.
insert into comment_themes (response_id, upload_id, item_code, theme)
select response_id, upload_id, item_code, theme from new_comment_themes
