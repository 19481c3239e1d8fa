-- library_signing_keys_all: every library key registered on this (forum) installation.
-- params: none. output: library_key, key_id, registered_at, registered_by, source.
select library_key, key_id, registered_at, registered_by, source
from library_signing_keys
order by library_key
