-- register_instruments: every questionnaire the stored items name gets its row in `instruments`,
-- the registry the comparability rule reads (libraries are compared with each other only on one
-- shared instrument, or on the forum core items). Runs in each upload's transaction after its
-- items and its uploads row are stored, so an instrument not yet registered is one this upload
-- brought: it records that upload and its respondent type, and no name (a file name may name a
-- library, and the rule's reasons are published). The forum core items (seeded into every
-- database) are registered as the core, named, with no first upload.
-- A registered instrument is never changed (insert or ignore).
-- params: $upload_id (the upload being written). output: none.
insert or ignore into instruments (instrument_id, name, vendor, respondent_type, core, first_upload_id)
select i.instrument_id,
       case when bool_or(i.core) then 'forum core items' end as name,
       case when bool_or(i.core) then 'servicemirror'
            else split_part(i.instrument_id, ':', 1) end as vendor,
       case when bool_or(i.core) then null else any_value(u.respondent_type) end as respondent_type,
       bool_or(i.core) as core,
       case when bool_or(i.core) then null else $upload_id end as first_upload_id
from items i
left join uploads u on u.upload_id = $upload_id
where i.instrument_id is not null
  and i.instrument_id not in (select instrument_id from instruments)
group by i.instrument_id
