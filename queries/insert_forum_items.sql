-- insert_forum_items: a package's item-level statistics (registered frame `new_forum_items`).
-- params: $upload_id.
insert into forum_items (upload_id, library_key, period, side, touchpoint, item_code, n, mean, sd, ss_within,
                         source, superseded_by)
select $upload_id, library_key, period, side, touchpoint, item_code, n, mean, sd, ss_within, source, null
from new_forum_items
