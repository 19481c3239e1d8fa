-- count_superseded: how many stored, current responses the registered `new_responses` repeat
-- (same respondent hash, type and library). params: $upload_id (unused: keeps the call uniform).
select count(*)
from responses r
join new_responses n
  on r.respondent_hash = n.respondent_hash
 and r.respondent_type = n.respondent_type
 and r.library_key = n.library_key
where r.superseded_by is null and r.respondent_hash is not null and $upload_id is not null
