-- migrate_9: schema version 9, the instrument registry is written and read. Idempotent; runs
-- after schema.sql on a new database and upgrades an older one (and a restored older backup).
-- `instruments` gains `core` (the forum core items: the instrument every library can share) and
-- `first_upload_id`; each upload registers the instruments it brings (register_instruments.sql)
-- and the analysis's comparability rule reads them (instruments_all.sql).
alter table instruments add column if not exists core boolean default false;
alter table instruments add column if not exists first_upload_id integer;
-- a database made before this version: register the instruments its items name, each with the
-- earliest upload that recorded it (as register_instruments.sql does) and that upload's time (the
-- core: the database's first upload), so a migrated database and a restored backup of it agree
insert or ignore into instruments (instrument_id, name, vendor, respondent_type, core, first_upload_id,
                                   created_at)
select i.instrument_id,
       case when bool_or(i.core) then 'forum core items' end,
       case when bool_or(i.core) then 'servicemirror'
            else split_part(i.instrument_id, ':', 1) end,
       case when bool_or(i.core) then null else any_value(u.respondent_type) end,
       bool_or(i.core),
       case when bool_or(i.core) then null else any_value(u.upload_id) end,
       coalesce(case when bool_or(i.core) then (select min(loaded_at) from uploads)
                     else any_value(u.loaded_at) end, current_timestamp)
from items i
left join (
    select instrument_id, min(upload_id) as upload_id from uploads group by instrument_id
) first_upload on first_upload.instrument_id = i.instrument_id
left join uploads u on u.upload_id = first_upload.upload_id
where i.instrument_id is not null
  and i.instrument_id not in (select instrument_id from instruments)
group by i.instrument_id;
-- rows restored from a backup made before this version have no core flag yet
update instruments
set core = instrument_id in (select instrument_id from items where core)
where core is null;
