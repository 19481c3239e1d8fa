-- meta_get: one value from the meta table.
-- params: $key. output: value (or no row).
select value from meta where key = $key
