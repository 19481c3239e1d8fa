-- insert_responses: store the registered frame `new_responses` for one upload.
-- response_id = upload_id * 2^32 + source row, unique without a sequence.
-- params: $upload_id.
insert into responses (response_id, upload_id, library_key, branch_key, period, respondent_type,
                       submitted_at, touchpoint, respondent_hash, superseded_by,
                       age_band, visit_frequency, user_type, channel)
select $upload_id::bigint * 4294967296 + row::bigint, $upload_id, library_key, branch_key, period::varchar,
       respondent_type, submitted_at::timestamp, touchpoint, respondent_hash, null,
       age_band, visit_frequency, user_type, channel
from new_responses
