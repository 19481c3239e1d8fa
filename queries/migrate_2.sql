-- migrate_2: schema version 2, the forum installation. Idempotent; runs after schema.sql
-- on a new database and upgrades a version-1 database. A forum package (servicemirror/app/forum.py)
-- arrives as one upload (uploads.kind = 'forum_package'); every row below points to that upload,
-- so it can be listed, superseded per library x period by a newer package, and undone.

-- which library sent which periods in which package, and when (one row per library x period)
create table if not exists forum_packages (
    upload_id integer not null,
    library_key varchar not null,
    period varchar not null,
    package_version integer not null,
    product_version varchar,
    created_at timestamp,                   -- when the library built the package
    instruments varchar,                    -- the staff/patron questionnaires, '+'-joined
    consent_named boolean default false,    -- the library agreed to be shown by name
    k integer,                              -- the anonymity threshold the library applied
    superseded_by integer
);

-- the library's published cells (cells.sql columns): n, mean, sd, ss_within, NPS counts. Staff
-- cells the library suppressed carry n only; cells.sql unions these in where no raw rows exist.
create table if not exists forum_cells (
    upload_id integer not null,
    library_key varchar not null,
    period varchar not null,
    side varchar not null,
    measure varchar not null,
    touchpoint varchar not null,            -- '' = overall
    n bigint not null,
    mean double,
    sd double,
    ss_within double,
    promoters bigint,
    detractors bigint,
    source varchar,                         -- 'rows' | 'aggregates' at the library
    instrument varchar,
    superseded_by integer
);

-- item-level sufficient statistics on the item's own scale (staff: published groups, every item >= k)
create table if not exists forum_items (
    upload_id integer not null,
    library_key varchar not null,
    period varchar not null,
    side varchar not null,
    touchpoint varchar not null,
    item_code varchar not null,
    n bigint not null,
    mean double,
    sd double,
    ss_within double,
    source varchar,
    superseded_by integer
);

-- item means and covariances of complete staff respondents per scale (Cronbach's alpha), n >= k
create table if not exists forum_item_covariances (
    upload_id integer not null,
    library_key varchar not null,
    period varchar not null,
    scale varchar not null,
    n bigint not null,
    n_incomplete bigint,
    item_i varchar not null,
    item_j varchar not null,
    mean_i double,
    mean_j double,
    cov double,
    superseded_by integer
);

-- smiley-kiosk presses per library x day x question x button (hours and terminals summed)
create table if not exists forum_kiosk_days (
    upload_id integer not null,
    library_key varchar not null,
    period varchar not null,
    date date not null,
    question varchar,
    button integer not null,
    n bigint not null,
    superseded_by integer
);

-- library facts from a package are replaced by a newer package like everything else
alter table library_facts add column if not exists superseded_by integer;
