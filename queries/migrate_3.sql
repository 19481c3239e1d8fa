-- migrate_3: schema version 3, the audit log of "Privacy and access hold at every door".
-- Idempotent; runs after schema.sql on a new database and upgrades an older one.
-- Every write that passes the access layer (servicemirror/service.py) adds one row: who (the
-- principal's name and role), when, what (the action and a one-line detail) and for which
-- library (null = not one library's, e.g. a setting). Read by admins only (`servicemirror audit`).
create sequence if not exists audit_ids start 1;

create table if not exists audit (
    audit_id integer primary key default nextval('audit_ids'),
    done_at timestamp not null default current_timestamp,
    who varchar not null,
    role varchar not null,
    action varchar not null,
    library_key varchar,
    detail varchar
);
