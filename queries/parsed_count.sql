-- parsed_count: how many answers `parsed_answers` holds.
-- params: none.
-- output: n.
select count(*) as n
from parsed_answers
