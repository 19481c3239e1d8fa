-- insert_comment_tones: store the registered frame `new_comment_tones` (response_id, upload_id,
-- item_code, tone). params: none.
insert into comment_tones (response_id, upload_id, item_code, tone)
select response_id, upload_id, item_code, tone from new_comment_tones
