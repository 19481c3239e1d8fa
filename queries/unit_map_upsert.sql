-- unit_map_upsert: save the mapping step's confirmed unit -> library rows from the registered
-- frame `new_unit_map` (instrument_id, unit, library_key); a unit mapped again is replaced.
-- params: none. output: none.
insert or replace into unit_map (instrument_id, unit, library_key, branch_key, included, front_line)
select instrument_id, unit, library_key, null, true, true from new_unit_map
