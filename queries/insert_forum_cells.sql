-- insert_forum_cells: a package's published cells (registered frame `new_forum_cells`). params: $upload_id.
insert into forum_cells (upload_id, library_key, period, side, measure, touchpoint, n, mean, sd, ss_within,
                         promoters, detractors, source, instrument, superseded_by)
select $upload_id, library_key, period, side, measure, touchpoint, n, mean, sd, ss_within,
       promoters, detractors, source, instrument, null
from new_forum_cells
