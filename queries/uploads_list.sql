-- uploads_list: every upload, newest first.
-- output: upload_id, file_name, format, respondent_type, rows_loaded, rows_rejected,
--         responses_superseded, loaded_minute (loaded_at as text to the minute, 'YYYY-MM-DD HH:MM':
--         what the Upload page's history shows, formatted here rather than in pandas on every
--         view), status, then kind, rows_read, loaded_by, loaded_at. The first nine are the page's
--         table in its order (servicemirror/app/uploading.py, HISTORY_COLUMNS), so the page takes
--         them as one slice instead of copying columns out.
select upload_id, file_name, format, respondent_type, rows_loaded, rows_rejected,
       responses_superseded, strftime(loaded_at, '%Y-%m-%d %H:%M') as loaded_minute, status,
       kind, rows_read, loaded_by, loaded_at
from uploads
order by upload_id desc
