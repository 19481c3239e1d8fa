-- kiosk_locations_mapped: an upload's kiosk counts with the library cell the mapping step gave
-- (a vendor code or kiosk location -> library name), joined on the registered table kiosk_map.
-- params: none; reads the registered tables kiosk_rows (the reader's kiosk columns) and
--   kiosk_map (library, branch: the cells as read; mapped: the library name to use instead).
-- output: the kiosk columns of kiosk_rows, library replaced where kiosk_map names one.
select k.* replace (coalesce(m.mapped, k.library::varchar) as library)
from kiosk_rows k
left join kiosk_map m
    on k.library::varchar is not distinct from m.library
   and k.branch::varchar is not distinct from m.branch
