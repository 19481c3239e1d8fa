-- published_branch_cells_insert: store published branch cells (registered frame
-- `new_published_branch_cells`, the columns of published_branch_cells_all.sql) in one statement.
-- params: none. output: none.
insert into published_branch_cells by name
select library_key, branch_key, branch_name, period, measure, n, mean, sd, ss_within, promoters,
       detractors, source, side, suppressed, suppressed_reason, suppressed_rule
from new_published_branch_cells
