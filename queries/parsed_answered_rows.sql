-- parsed_answered_rows: the respondents (row) with at least one valid rating: what makes a
-- response (docs/formats/README.md).
-- params: none.
-- output: row.
select distinct a.row
from parsed_answers a
join parsed_map m using (map_id)
where m.value is not null
