-- signing_key_insert: store a new signing key of this installation as the current one.
-- params: $key_id, $private_key, $public_key (raw bytes). output: none.
insert into signing_keys (key_id, private_key, public_key, created_at, retired_at)
values ($key_id, $private_key, $public_key, current_timestamp::timestamp, null)
