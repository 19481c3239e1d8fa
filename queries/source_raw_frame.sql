-- source_raw_frame: the registered frame `source_frame` (an .xlsx sheet's cells as text, columns
-- in sheet order, no record column) as the table `raw` of a parsing connection (etl/source.py).
-- params: none.
-- output: table raw, the frame's columns in order (rowid 0 = first record).
create table raw as
select *
from source_frame
