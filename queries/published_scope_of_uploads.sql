-- published_scope_of_uploads: the libraries and periods whose cells some uploads change when they
-- are written, undone or purged: their own rows and the rows they superseded (which count again
-- once they go), of every table cells.sql and staff_branch_cells.sql read. Run while the rows are
-- still there (after a load's inserts, before an undo's or purge's deletes).
-- params: $upload_ids (list of upload ids).
-- output: library_key, period (distinct pairs).
select distinct library_key, period from responses
where list_contains($upload_ids, upload_id) or list_contains($upload_ids, superseded_by)
union
select distinct library_key, period from aggregates
where list_contains($upload_ids, upload_id) or list_contains($upload_ids, superseded_by)
union
select distinct library_key, period from forum_cells
where list_contains($upload_ids, upload_id) or list_contains($upload_ids, superseded_by)
