-- migrate_10: schema version 10, the published cells are stored. Idempotent; runs after schema.sql
-- on a new database and upgrades an older one (and a restored older backup).
-- `published_cells` and `published_branch_cells` hold exactly what servicemirror.privacy.publish
-- shows: cells.sql and staff_branch_cells.sql with the anonymity rule and complementary
-- suppression applied (hidden cells keep their row and count, without figures). Every write
-- refreshes them inside its own transaction (servicemirror/privacy/cells_table.py) for the
-- library-periods it touched, and records in `published_state` (one row) the data version they
-- belong to and the k they were built with; a reader uses them only when both match, and otherwise
-- builds the cells from the rows. A database migrated here has no such record yet: its tables are
-- filled whole by its first write through Service Mirror. None of the three is in a backup (a
-- restore builds them from the restored rows).
create table if not exists published_state (
    data_version bigint not null,
    k integer not null
);
create table if not exists published_cells (
    library_key varchar not null,
    period varchar not null,
    side varchar not null,
    measure varchar not null,
    touchpoint varchar not null,
    n bigint,
    mean double,
    sd double,
    ss_within double,
    promoters double,
    detractors double,
    source varchar,
    instrument varchar,
    suppressed boolean not null,
    suppressed_reason varchar,
    suppressed_rule varchar
);
create table if not exists published_branch_cells (
    library_key varchar not null,
    branch_key varchar not null,
    branch_name varchar,
    period varchar not null,
    measure varchar not null,
    n bigint,
    mean double,
    sd double,
    ss_within double,
    promoters double,
    detractors double,
    source varchar,
    side varchar,
    suppressed boolean not null,
    suppressed_reason varchar,
    suppressed_rule varchar
)
