-- published_cells_delete: drop the stored published cells of some libraries in some periods (all
-- of them when both lists are null), before the same slice is stored again, in the same transaction.
-- params (optional, default null = every library / every period): $libraries, $periods (lists).
-- output: none.
delete from published_cells
where coalesce(list_contains($libraries, library_key), true)
  and coalesce(list_contains($periods, period), true)
