-- insert_forum_facts: a package's library facts into library_facts (registered frame
-- `new_forum_facts`: library_key, period, name, value, source). params: $upload_id.
insert into library_facts (upload_id, library_key, period, name, value, source, superseded_by)
select $upload_id, library_key, period, name, value, source, null
from new_forum_facts
