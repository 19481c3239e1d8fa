-- library_signing_key_get: the public key registered for one library on the forum installation.
-- params: $library_key. output: library_key, public_key, key_id, registered_at, registered_by, source.
select library_key, public_key, key_id, registered_at, registered_by, source
from library_signing_keys
where library_key = $library_key
