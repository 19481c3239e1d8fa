-- parsed_rows: the answers with what they mean, in order (the dry run and the tests read them).
-- params: none.
-- output: row, "column", item, value, raw_value.
select a.row, m."column", m.item, m.value, m.raw_value
from parsed_answers a
join parsed_map m using (map_id)
order by a.seq
