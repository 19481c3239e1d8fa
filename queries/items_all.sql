-- items_all: the known items. output: item_code, construct, text_da, text_en, scale_min, scale_max, touchpoint, core, instrument_id.
select item_code, construct, text_da, text_en, scale_min, scale_max, touchpoint, core, instrument_id from items order by item_code
