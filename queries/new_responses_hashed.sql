-- new_responses_hashed: the registered `new_response_rows` (the writer's response rows with the
-- trimmed source `respondent_id` as text) as the temporary table `new_responses` that
-- count_superseded, insert_responses and supersede_responses read, each id replaced by its salted
-- SHA-256 hex digest (sha256("<salt>:<id>"); a blank or missing id stays null):
-- the digests are made where they are stored, never carried through Python. The table lives as
-- long as the writer's connection (one transaction: db.writing closes it after the commit).
-- params: $salt.
-- output: the temporary table new_responses (the input's columns, respondent_hash for respondent_id).
create or replace temporary table new_responses as
select * exclude (respondent_id),
       case when respondent_id is null or respondent_id = '' then null
            else sha256($salt || ':' || respondent_id) end as respondent_hash
from new_response_rows
