-- source_exclude_rows: the records listed in the registered frame `source_drop` (_record) leave
-- the view `src` (rows a reader refused, each already told as a problem).
-- params: none.
-- output: none.
insert into source_excluded
select _record from source_drop
