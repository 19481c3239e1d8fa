-- uploads_list: every upload, newest first.
-- output: upload_id, file_name, format, kind, respondent_type, rows_read, rows_loaded, rows_rejected,
--         responses_superseded, loaded_by, loaded_at, status.
select upload_id, file_name, format, kind, respondent_type, rows_read, rows_loaded, rows_rejected,
       responses_superseded, loaded_by, loaded_at, status
from uploads
order by upload_id desc
