-- join_sides_by_estimate: the optimizer chooses each hash join's sides again (undoes
-- join_sides_as_written.sql).
-- params: none. output: none.
reset disabled_optimizers
