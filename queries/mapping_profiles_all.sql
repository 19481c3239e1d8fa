-- mapping_profiles_all: every saved column mapping (etl/mapping.py), newest first.
-- params: none.
-- output: name, signature (hash of the export's format + header row), mapping_json, created_at.
select name, signature, mapping_json, created_at
from mapping_profiles
order by created_at desc, name
