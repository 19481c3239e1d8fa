-- source_drop_raw: the file's records are now `src`; `raw` (header records included) goes.
-- params: none.
-- output: none.
drop table raw
