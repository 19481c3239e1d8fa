-- backup_sequences: the value each sequence hands out next, so a restored database never reuses an id
-- (after a reopen DuckDB reports the counter as start_value, before it as last_value).
-- params: none. output: sequence_name, next_value.
select sequence_name,
       greatest(start_value, coalesce(last_value + increment_by, start_value)) as next_value
from duckdb_sequences()
where schema_name = 'main'
order by sequence_name
