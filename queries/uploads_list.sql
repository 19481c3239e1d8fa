-- uploads_list: every upload, newest first.
-- output: upload_id, file_name, format, kind, respondent_type, rows_read, rows_loaded, rows_rejected,
--         responses_superseded, loaded_by, loaded_at, status, loaded_minute (loaded_at as text to
--         the minute, 'YYYY-MM-DD HH:MM': what the Upload page's history shows, formatted here
--         rather than in pandas on every view).
select upload_id, file_name, format, kind, respondent_type, rows_read, rows_loaded, rows_rejected,
       responses_superseded, loaded_by, loaded_at, status,
       strftime(loaded_at, '%Y-%m-%d %H:%M') as loaded_minute
from uploads
order by upload_id desc
