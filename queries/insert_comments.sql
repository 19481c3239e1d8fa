-- insert_comments: store the registered, already scrubbed frame `new_comments` (row, item, text). params: $upload_id.
insert into comments (response_id, upload_id, item_code, text)
select $upload_id::bigint * 4294967296 + row::bigint, $upload_id, item, text
from new_comments
