-- settings_all: every stored setting. output: key, value.
select key, value from settings order by key
