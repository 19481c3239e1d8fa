-- parsed_pairs: each answer as (row, map_id): what goes to the product database, two numbers a
-- row, so five million answers cross over as Arrow without a string (insert_answers joins them
-- to parsed_values there).
-- params: none.
-- output: row, map_id.
select row, map_id
from parsed_answers
