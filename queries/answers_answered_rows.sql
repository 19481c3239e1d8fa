-- answers_answered_rows: the respondents (row) with at least one valid rating: what makes a
-- response (docs/formats/README.md).
-- params: none.
-- output: row.
select distinct row
from answers
where value is not null
