-- migrate_5: schema version 5, themes and tone of comments. Idempotent; runs after schema.sql on a
-- new database and upgrades an older one. The tags are computed in Python (etl/comment_tags.py)
-- in the same transaction that stores the comments (servicemirror/app/comments.py); comments stored
-- before this version are tagged by the next load of survey rows (or `comments --reset-themes`).

-- one row per stored comment: its tone under the dictionary/rule in use
create table if not exists comment_tones (
    response_id bigint not null,
    upload_id integer not null,
    item_code varchar,
    tone varchar not null                  -- positive | neutral | negative
);

-- one row per stored comment x theme it carries (a comment may carry several or none)
create table if not exists comment_themes (
    response_id bigint not null,
    upload_id integer not null,
    item_code varchar,
    theme varchar not null
);

-- the library's own theme dictionary (empty: the one shipped in etl/templates/comment_themes.csv)
create table if not exists comment_dictionary (
    theme varchar not null,
    lang varchar not null,                 -- da | en
    term varchar not null,
    label varchar
);

-- a forum package's comment theme and tone counts per library x period x side x theme
-- (theme '' = all comments of that side); counts only, never text
create table if not exists forum_comment_themes (
    upload_id integer not null,
    library_key varchar not null,
    period varchar not null,
    side varchar not null,                 -- patron | staff
    theme varchar not null,
    n_comments bigint not null,
    positive bigint not null,
    neutral bigint not null,
    negative bigint not null,
    n_group bigint,                        -- respondents of that side (>= k_comments)
    superseded_by integer
);
