-- comments_untagged: stored comments that have no tone yet (new in this transaction, or stored
-- before schema version 5, or cleared for re-tagging). params: none.
-- output: response_id, upload_id, item_code, text.
select c.response_id, c.upload_id, c.item_code, c.text
from comments c
where not exists (
    select 1 from comment_tones t
    where t.response_id = c.response_id and t.item_code is not distinct from c.item_code
)
order by c.response_id
