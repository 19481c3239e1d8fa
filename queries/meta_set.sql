-- meta_set: set one meta value (insert or replace).
-- params: $key, $value.
insert or replace into meta (key, value) values ($key, $value)
