-- insert_kiosk: store the registered frame `new_kiosk` (hourly smiley counts). params: $upload_id.
insert into kiosk_counts (upload_id, library_key, branch_key, terminal, date, hour, question, button, n)
select $upload_id, library_key, branch_key, terminal, date::date, hour, question, button, n
from new_kiosk
