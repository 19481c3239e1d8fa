-- source_delete_rows: drop the records listed in the registered frame `source_drop` (_record)
-- from `src` (rows a reader refused, each already told as a problem).
-- params: none.
-- output: none.
delete from src
where _record in (select _record from source_drop)
