-- library_signing_key_upsert: register (or, for an admin replacement, replace) a library's public key.
-- params: $library_key, $public_key (raw bytes), $key_id, $registered_by, $key_source. output: none.
insert or replace into library_signing_keys
    (library_key, public_key, key_id, registered_at, registered_by, source)
values ($library_key, $public_key, $key_id, current_timestamp::timestamp, $registered_by, $key_source)
