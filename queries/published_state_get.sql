-- published_state_get: the data version and k the stored published cells belong to (migrate_10.sql);
-- no row when they were never built (a database migrated and not written since).
-- params: none. output: data_version, k.
select data_version, k from published_state
