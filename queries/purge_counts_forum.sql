-- purge_counts_forum: the forum installation's rows (schema 2) that `purge --before` removes.
-- params: $before (a date). output: one row: forum_packages, forum_cells, forum_items,
-- forum_item_covariances, forum_kiosk_days.
with old as (
    select upload_id from uploads where loaded_at < cast($before as timestamp)
)
select
    (select count(*) from forum_packages where upload_id in (select upload_id from old)) as forum_packages,
    (select count(*) from forum_cells where upload_id in (select upload_id from old)) as forum_cells,
    (select count(*) from forum_items where upload_id in (select upload_id from old)) as forum_items,
    (select count(*) from forum_item_covariances where upload_id in (select upload_id from old)) as forum_item_covariances,
    (select count(*) from forum_kiosk_days where upload_id in (select upload_id from old)) as forum_kiosk_days
