-- upload_row_count: rows stored for one upload across the data tables. params: $upload_id.
select
    (select count(*) from responses where upload_id = $upload_id)
    + (select count(*) from answers where upload_id = $upload_id)
    + (select count(*) from comments where upload_id = $upload_id)
    + (select count(*) from aggregates where upload_id = $upload_id)
    + (select count(*) from kiosk_counts where upload_id = $upload_id)
    + (select count(*) from library_facts where upload_id = $upload_id)
    + (select count(*) from forum_cells where upload_id = $upload_id)
    + (select count(*) from forum_items where upload_id = $upload_id)
    + (select count(*) from forum_item_covariances where upload_id = $upload_id)
    + (select count(*) from forum_kiosk_days where upload_id = $upload_id)
