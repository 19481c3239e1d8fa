-- THE schema of Service Mirror (schema version 1). Idempotent: every statement is "if not exists",
-- so running it on an existing database changes nothing. Later versions add migrate_<N>.sql files.
-- Values in `answers.value` are on the item's own scale (items.scale_min..scale_max), already turned
-- so that higher = more positive; indices on 0-100 are computed in the queries, never stored.

create table if not exists meta (
    key varchar primary key,
    value varchar
);

create table if not exists settings (
    key varchar primary key,
    value varchar not null
);

create table if not exists libraries (
    library_key varchar primary key,       -- stable slug, e.g. 'gentofte'
    display_name varchar not null,
    municipality varchar,
    aliases varchar[] default [],          -- other spellings seen in exports (matched case-insensitively)
    consent_named boolean default false,   -- agreed to be shown by name in the forum
    created_at timestamp default current_timestamp
);

create table if not exists branches (
    branch_key varchar primary key,        -- '<library_key>/<slug>'
    library_key varchar not null,
    display_name varchar not null,
    aliases varchar[] default []
);

create table if not exists unit_map (
    instrument_id varchar,                 -- the staff survey the unit name comes from ('' = any)
    unit varchar not null,                 -- unit name as the vendor writes it
    library_key varchar,                   -- null = not a library (e.g. 'Borgerservice')
    branch_key varchar,
    included boolean default true,
    front_line boolean default true,
    primary key (instrument_id, unit)
);

create table if not exists instruments (
    instrument_id varchar primary key,     -- e.g. 'forum-core-v1', 'qualtrics:SV_abc'
    name varchar,
    vendor varchar,
    respondent_type varchar,
    created_at timestamp default current_timestamp
);

create table if not exists items (
    item_code varchar primary key,
    construct varchar not null,            -- wellbeing | engagement | enps | satisfaction | nps | touchpoint | other | comment
    text_da varchar,
    text_en varchar,
    scale_min double,
    scale_max double,
    touchpoint varchar,                    -- for construct 'touchpoint'
    core boolean default false,            -- a forum core item (comparable across libraries)
    instrument_id varchar
);

create sequence if not exists upload_ids start 1;

create table if not exists uploads (
    upload_id integer primary key,
    file_name varchar not null,            -- the base name only: never used as a path
    sha256 varchar not null,
    format varchar,
    encoding varchar,
    instrument_id varchar,
    respondent_type varchar,
    kind varchar default 'responses',      -- responses | aggregates | kiosk | forum_package | facts
    rows_read integer,
    rows_loaded integer,
    rows_rejected integer,
    responses_superseded integer default 0,
    loaded_by varchar,
    loaded_at timestamp default current_timestamp,
    status varchar default 'active',       -- active | undone
    report_json varchar                    -- the load report, for `uploads` and the upload page
);

create table if not exists responses (
    response_id bigint primary key,        -- upload_id * 2^32 + source row
    upload_id integer not null,
    library_key varchar not null,
    branch_key varchar,
    period varchar not null,
    respondent_type varchar not null,      -- staff | patron
    submitted_at timestamp,
    touchpoint varchar,
    respondent_hash varchar,               -- salted sha256 of the source respondent id
    superseded_by integer,                 -- a newer upload that repeated this respondent
    age_band varchar,
    visit_frequency varchar,
    user_type varchar,
    channel varchar
);

create table if not exists answers (
    response_id bigint not null,
    upload_id integer not null,
    item_code varchar not null,
    value double,                          -- null = missing ("Ved ikke", blank)
    raw_value varchar
);

create table if not exists comments (
    response_id bigint not null,
    upload_id integer not null,
    item_code varchar,
    text varchar not null                  -- scrubbed before it is stored
);

create table if not exists aggregates (
    upload_id integer not null,
    library_key varchar not null,
    branch_key varchar,
    period varchar not null,
    respondent_type varchar not null,
    item_code varchar not null,
    touchpoint varchar,
    n integer not null,
    mean double,
    sd double,
    response_rate double,
    distribution varchar,                  -- JSON {value: count}
    superseded_by integer
);

create table if not exists kiosk_counts (
    upload_id integer not null,
    library_key varchar not null,
    branch_key varchar,
    terminal varchar,
    date date not null,
    hour integer not null,
    question varchar,
    button integer not null,               -- 1..4, 4 = happiest
    n integer not null
);

create table if not exists library_facts (
    upload_id integer,
    library_key varchar not null,
    period varchar not null,
    name varchar not null,                 -- visits | staff_fte | staffed_hours | unstaffed_hours | ...
    value double,
    source varchar
);

create table if not exists targets (
    library_key varchar not null,
    touchpoint varchar not null,
    measure varchar not null,              -- index | top2 | nps
    target_value double not null,
    source varchar,
    primary key (library_key, touchpoint, measure)
);

create sequence if not exists project_ids start 1;

create table if not exists projects (
    project_id integer primary key,
    library_key varchar not null,
    touchpoint varchar not null,
    title varchar not null,
    description varchar,
    start_date date not null,
    end_date date,
    owner varchar,
    expected_effect varchar,
    status varchar default 'active',
    notes varchar
);

create table if not exists personas (
    persona_id varchar primary key,
    name varchar not null,
    description varchar,
    age_band varchar,
    visit_frequency varchar,
    user_type varchar,
    channel varchar
);

create table if not exists mapping_profiles (
    name varchar primary key,
    signature varchar not null,            -- hash of the header row it applies to
    mapping_json varchar not null,
    created_at timestamp default current_timestamp
);
