-- published_cells_insert: store published cells (registered frame `new_published_cells`, the
-- columns of published_cells_all.sql) in one statement.
-- params: none. output: none.
insert into published_cells by name
select library_key, period, side, measure, touchpoint, n, mean, sd, ss_within, promoters,
       detractors, source, instrument, suppressed, suppressed_reason, suppressed_rule
from new_published_cells
