-- signing_key_current: this installation's current package signing key (none before the first package).
-- params: none. output: key_id, private_key, public_key, created_at (at most one row).
select key_id, private_key, public_key, created_at
from signing_keys
where retired_at is null
order by created_at desc
limit 1
