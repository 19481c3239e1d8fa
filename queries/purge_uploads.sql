-- purge_uploads: the uploads `purge --before` removes: every one loaded before $before (a date;
-- loaded_at earlier than its midnight). params: $before. output: upload_id (sorted).
select upload_id from uploads where loaded_at < cast($before as timestamp) order by upload_id
