-- parsed_keep_rows: keep only the answers of the respondents in the registered frame
-- `answer_rows` (row): those whose response is still valid.
-- params: none.
-- output: the number of answers deleted (DuckDB's count of a delete).
delete from parsed_answers
where row not in (select row from answer_rows)
