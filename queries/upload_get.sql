-- upload_get: one upload by id. params: $upload_id. output: every uploads column.
select * from uploads where upload_id = $upload_id
