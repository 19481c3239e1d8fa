-- upsert_libraries: add or update libraries from the registered frame `new_libraries`
-- (library_key, display_name, municipality, aliases, consent_named).
insert or replace into libraries (library_key, display_name, municipality, aliases, consent_named)
select library_key, display_name, municipality, aliases, consent_named from new_libraries
