-- published_state_set: record the data version and k the stored published cells now belong to
-- (the one row of published_state), inside the write that refreshed them.
-- params: $data_version, $k. output: none.
delete from published_state;
insert into published_state (data_version, k) values ($data_version, $k)
