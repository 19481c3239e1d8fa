-- insert_answers: store the registered frame `new_answers` (row, item, value, raw_value). params: $upload_id.
insert into answers (response_id, upload_id, item_code, value, raw_value)
select $upload_id::bigint * 4294967296 + row::bigint, $upload_id, item, value, raw_value::varchar
from new_answers
