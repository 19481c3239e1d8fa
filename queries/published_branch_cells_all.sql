-- published_branch_cells_all: the stored published branch cells (migrate_10.sql), in
-- staff_branch_cells.sql's order.
-- params: none.
-- output: staff_branch_cells.sql's columns + side, suppressed, suppressed_reason, suppressed_rule.
select library_key, branch_key, branch_name, period, measure, n, mean, sd, ss_within, promoters,
       detractors, source, side, suppressed, suppressed_reason, suppressed_rule
from published_branch_cells
order by library_key, period, measure, branch_key
