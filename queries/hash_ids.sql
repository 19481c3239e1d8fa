-- hash_ids: respondent ids as salted SHA-256 hex digests (sha256("<salt>:<id>")), in order; a
-- blank or missing id stays null. The registered frame `hash_input` holds (pos, id) as text.
-- params: $salt.
-- output: pos, hash.
select pos, case when id is null or id = '' then null else sha256($salt || ':' || id) end as hash
from hash_input
order by pos
