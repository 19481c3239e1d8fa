-- mapping_profile_upsert: save (or replace) one confirmed column mapping under its name.
-- params: $name, $key (the header signature: hash of format + header row), $value (the mapping
--         as JSON text). Generic names, shared with meta_set/setting_set.
-- output: none.
insert or replace into mapping_profiles (name, signature, mapping_json, created_at)
values ($name, $key, $value, current_timestamp)
