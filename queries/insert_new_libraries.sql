-- insert_new_libraries: libraries first seen in an upload (registered frame `new_libraries`).
insert or ignore into libraries (library_key, display_name, municipality, aliases, consent_named)
select library_key, display_name, municipality, aliases, consent_named from new_libraries
