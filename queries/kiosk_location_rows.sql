-- kiosk_location_rows: the kiosk rows of the library/branch pairs the loader could not resolve,
-- so that each is reported with its own row (usually none: a file whose names all resolve
-- fetches nothing here).
-- params: none; reads the registered tables kiosk_rows (the reader's kiosk columns) and
--   kiosk_unresolved (library, branch).
-- output: row, library, branch, n, in row order.
select k.row, k.library::varchar as library, k.branch::varchar as branch, k.n
from kiosk_rows k
join kiosk_unresolved u
    on k.library::varchar is not distinct from u.library
   and k.branch::varchar is not distinct from u.branch
order by k.row
