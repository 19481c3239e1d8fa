-- published_cells_all: the stored published cells (migrate_10.sql), what publish.build reads when
-- they belong to the current data version and k; in cells.sql's order.
-- params: none.
-- output: cells.sql's columns + suppressed, suppressed_reason, suppressed_rule.
select library_key, period, side, measure, touchpoint, n, mean, sd, ss_within, promoters,
       detractors, source, instrument, suppressed, suppressed_reason, suppressed_rule
from published_cells
order by library_key, period, side, measure, touchpoint
