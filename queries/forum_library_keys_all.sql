-- forum_library_keys_all: every library key registered on this (forum) installation.
-- params: none. output: library_key, key_id, registered_at, registered_by, source.
select library_key, key_id, registered_at, registered_by, source
from forum_library_keys
order by library_key
