-- instruments_all: the instrument registry, for the comparability rule of the analysis.
-- params: none.
-- output: instrument_id, name (the core's; null for an upload's), vendor, respondent_type, core,
--         first_upload_id (the upload that brought it; null for the core), created_at.
select instrument_id, name, vendor, respondent_type, coalesce(core, false) as core,
       first_upload_id, created_at
from instruments
order by instrument_id
