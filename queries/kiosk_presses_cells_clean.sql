-- kiosk_presses_cells_clean: whether every library, branch, terminal and question cell of a press
-- file is already as stored (no surrounding spaces, not blank). Asked of the few hundred distinct
-- places, not of the rows: when they are clean (a vendor's export usually is), the hourly counts
-- go out as counted (kiosk_presses_counts_clean) instead of being trimmed and grouped again.
-- params: none; reads the table kiosk_raw (kiosk_presses_hourly).
-- output: one row: clean (boolean).
select coalesce(
           bool_and(
               library is not distinct from nullif(trim(library), '')
               and branch is not distinct from nullif(trim(branch), '')
               and terminal is not distinct from nullif(trim(terminal), '')
               and question is not distinct from nullif(trim(question), '')),
           true) as clean
from (select distinct library, branch, terminal, question from kiosk_raw)
