-- join_sides_as_written: keep each hash join's sides as the statement writes them (the right
-- side is the hash table) for the next statement on this connection. cells.sql needs it: the
-- optimizer estimates its answers x items join at a sixth of its rows and so builds the hash
-- table on millions of answers instead of the respondents (twice the time at national scale).
-- Undone by join_sides_by_estimate.sql.
-- params: none. output: none.
set disabled_optimizers = 'build_side_probe_side'
