-- purge_counts: what `purge --before` removes: uploads loaded before $before and every row they brought.
-- params: $before (a date; uploads with loaded_at earlier than its midnight count).
-- output: one row: uploads, responses, answers, comments, aggregates, kiosk_counts, library_facts.
with old as (
    select upload_id from uploads where loaded_at < cast($before as timestamp)
)
select
    (select count(*) from old) as uploads,
    (select count(*) from responses where upload_id in (select upload_id from old)) as responses,
    (select count(*) from answers where upload_id in (select upload_id from old)) as answers,
    (select count(*) from comments where upload_id in (select upload_id from old)) as comments,
    (select count(*) from aggregates where upload_id in (select upload_id from old)) as aggregates,
    (select count(*) from kiosk_counts where upload_id in (select upload_id from old)) as kiosk_counts,
    (select count(*) from library_facts where upload_id in (select upload_id from old)) as library_facts
