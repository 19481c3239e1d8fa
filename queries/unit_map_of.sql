-- unit_map_of: the saved unit -> library mapping that applies to one instrument: its own rows
-- and those for any instrument (instrument_id ''), the instrument's own listed last so they win
-- when read into a dict. Units mapped to no library (library_key null) or left out are skipped.
-- params: $instrument (the reader's instrument, or the format where the reader names none)
-- output: unit, library_key
select unit, library_key
from unit_map
where instrument_id in ($instrument, '')
  and library_key is not null
  and coalesce(included, true)
order by instrument_id = $instrument, unit
