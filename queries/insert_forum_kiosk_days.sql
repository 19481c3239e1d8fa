-- insert_forum_kiosk_days: a package's kiosk presses per day (registered frame `new_forum_kiosk_days`).
-- params: $upload_id.
insert into forum_kiosk_days (upload_id, library_key, period, date, question, button, n, superseded_by)
select $upload_id, library_key, period, date, question, button, n, null
from new_forum_kiosk_days
