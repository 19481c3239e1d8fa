-- signing_key_retire: retire the current signing key (before a new one is stored: rotation).
-- params: none. output: none.
update signing_keys set retired_at = current_timestamp::timestamp where retired_at is null
