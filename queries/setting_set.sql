-- setting_set: write one setting. params: $key, $value.
insert or replace into settings (key, value) values ($key, $value)
