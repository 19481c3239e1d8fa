-- insert_kiosk_counts: store an upload's smiley counts (hourly or daily) in one statement: the
-- rows as the reader gave them (registered table new_kiosk_rows), their library and branch keys
-- by a join with the resolved locations (registered table new_kiosk_units); rows of a location
-- that did not resolve are not stored (the loader reported them).
-- params: $upload_id.
insert into kiosk_counts (upload_id, library_key, branch_key, terminal, date, hour, question, button, n)
select $upload_id, u.library_key, u.branch_key, k.terminal::varchar, k.date::date, k.hour,
       k.question::varchar, k.button, k.n
from new_kiosk_rows k
join new_kiosk_units u
    on k.library::varchar is not distinct from u.library
   and k.branch::varchar is not distinct from u.branch
