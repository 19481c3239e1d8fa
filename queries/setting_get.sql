-- setting_get: one setting's value. params: $key. output: value.
select value from settings where key = $key
