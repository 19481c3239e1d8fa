-- audit_insert: record one write that passed the access layer.
-- params: $who, $role, $action, $library_key (nullable), $detail (nullable).
-- output: none.
insert into audit (who, role, action, library_key, detail)
values ($who, $role, $action, $library_key, $detail)
