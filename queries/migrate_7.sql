-- migrate_7: schema version 7, "current rows" views and the unused table `users` dropped.
-- Idempotent; runs after schema.sql on a new database and upgrades an older one.
--
-- A row counts in any figure only while it is current: its upload is active (not undone) and no
-- newer upload superseded it. Each upload-owned table (servicemirror/core/upload_tables.py) has one
-- view `current_<table>` that says so once; queries read the views, never repeat the condition.
-- The views live here rather than in schema.sql because the tables they read are made by
-- schema.sql AND by migrate_2 / migrate_5 (DuckDB binds a view when it is created), and this file
-- runs after those on every database. A view rebinds at each use, so a column a later migration
-- adds to a table appears in its view without recreating it.
--
-- `users`: server-mode users live in the user file (servicemirror/privacy/users.py); the table was never
-- read or written. A backup made before this version may still hold it (servicemirror/app/backup.py).

-- survey rows: a newer upload that repeats a respondent supersedes the older row
create or replace view current_responses as
select r.* from responses r join uploads u using (upload_id)
where r.superseded_by is null and u.status = 'active';

-- answers, comments and their tags count while their response does
create or replace view current_answers as
select a.* from answers a
where a.response_id in (select response_id from current_responses);

create or replace view current_comments as
select c.* from comments c
where c.response_id in (select response_id from current_responses);

create or replace view current_comment_tones as
select t.* from comment_tones t
where t.response_id in (select response_id from current_responses);

create or replace view current_comment_themes as
select t.* from comment_themes t
where t.response_id in (select response_id from current_responses);

-- vendor aggregates: a newer aggregate of the same unit x period x type x item supersedes
create or replace view current_aggregates as
select g.* from aggregates g join uploads u using (upload_id)
where g.superseded_by is null and u.status = 'active';

-- kiosk counts are never superseded; which upload supplies a terminal's day is kiosk_daily's rule
create or replace view current_kiosk_counts as
select k.* from kiosk_counts k join uploads u using (upload_id)
where u.status = 'active';

-- library facts: typed in (no upload) or from an active upload, and not replaced by a newer package
create or replace view current_library_facts as
select f.* from library_facts f left join uploads u using (upload_id)
where (f.upload_id is null or u.status = 'active') and f.superseded_by is null;

-- forum packages (migrate_2, migrate_5): a newer package supersedes a library x period
create or replace view current_forum_packages as
select p.* from forum_packages p join uploads u using (upload_id)
where p.superseded_by is null and u.status = 'active';

create or replace view current_forum_cells as
select f.* from forum_cells f join uploads u using (upload_id)
where f.superseded_by is null and u.status = 'active';

create or replace view current_forum_items as
select f.* from forum_items f join uploads u using (upload_id)
where f.superseded_by is null and u.status = 'active';

create or replace view current_forum_item_covariances as
select f.* from forum_item_covariances f join uploads u using (upload_id)
where f.superseded_by is null and u.status = 'active';

create or replace view current_forum_kiosk_days as
select f.* from forum_kiosk_days f join uploads u using (upload_id)
where f.superseded_by is null and u.status = 'active';

create or replace view current_forum_comment_themes as
select f.* from forum_comment_themes f join uploads u using (upload_id)
where f.superseded_by is null and u.status = 'active';

drop table if exists users;
