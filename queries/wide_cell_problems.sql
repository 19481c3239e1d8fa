-- wide_cell_problems: the cells of a wide export's question columns that are no answer (text
-- that is no label, a decimal, a number outside the scale: `value_map`.flag), one row per cell,
-- in the order they are told: question, then reason, then record.
-- params: $columns (the question columns' src names).
-- output: row, column, value (the cell as written), flag (unknown | decimal | out), scale_min,
-- scale_max.
select c._record as row, m."column", c.cell as value, m.flag, m.scale_min, m.scale_max
from (
    unpivot (select _record, columns(lambda c: list_contains($columns, c)) from src)
    on columns(* exclude (_record))
    into name col value cell
) c
join value_map m on m.col = c.col and m.cell = c.cell
where m.flag <> 'ok'
order by m.ord, case m.flag when 'unknown' then 0 when 'decimal' then 1 else 2 end, c._record
