-- insert_answers: store the registered `new_answers` (row, map_id: one per answer) with what each
-- map_id stands for (`new_answer_values`: map_id, item, value, raw_value; etl/answers.py).
-- params: $upload_id.
insert into answers (response_id, upload_id, item_code, value, raw_value)
select $upload_id::bigint * 4294967296 + a.row::bigint, $upload_id, m.item, m.value, m.raw_value::varchar
from new_answers a
join new_answer_values m using (map_id)
