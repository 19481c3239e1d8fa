-- insert_aggregates: store the registered frame `new_aggregates`. params: $upload_id.
insert into aggregates (upload_id, library_key, branch_key, period, respondent_type, item_code, touchpoint,
                        n, mean, sd, response_rate, distribution, superseded_by)
select $upload_id, library_key, branch_key, period::varchar, respondent_type, item, touchpoint,
       n, mean, sd, response_rate, distribution, null
from new_aggregates
