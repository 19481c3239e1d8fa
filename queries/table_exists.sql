-- table_exists: whether a table of that name exists in the main schema.
-- params: $name. output: one boolean.
select count(*) > 0 from information_schema.tables where table_name = $name and table_schema = 'main'
