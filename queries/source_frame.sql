-- source_frame: a reader's own frame of text cells (`source_frame`: _record, then the cells'
-- columns under positional names) as the table `src` (etl/source.py).
-- params: none.
-- output: table src: _record, then the frame's columns.
create table src as
select *
from source_frame
