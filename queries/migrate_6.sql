-- migrate_6: schema version 6, forum package signing keys (Ed25519). Idempotent; runs after
-- schema.sql on a new database and upgrades an older one.
-- signing_keys: this installation's own keys; the current one has retired_at null. Made with the
-- first forum package, carried by export/restore, replaced by `servicemirror forum-key rotate`.
-- library_signing_keys: on the forum installation, each library's registered public key (from the
-- first signed package accepted, or from a key file); a package for that library must be signed
-- with it. Replaced only by `servicemirror forum-key replace`.
create table if not exists signing_keys (
    key_id varchar not null,               -- first 16 hex digits of sha256(public key)
    private_key blob not null,             -- raw 32-byte Ed25519 private key
    public_key blob not null,              -- raw 32-byte Ed25519 public key
    created_at timestamp not null,
    retired_at timestamp                   -- null = the key that signs packages now
);
create table if not exists library_signing_keys (
    library_key varchar primary key,
    public_key blob not null,
    key_id varchar not null,
    registered_at timestamp not null,
    registered_by varchar,                 -- the upload's loaded_by, or the CLI user
    source varchar not null                -- first_package | key_file | replaced
);
