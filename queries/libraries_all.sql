-- libraries_all: the known libraries. output: library_key, display_name, municipality, aliases, consent_named.
select library_key, display_name, municipality, aliases, consent_named from libraries order by library_key
