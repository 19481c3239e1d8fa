-- insert_new_items: item definitions first seen (registered frame `new_items`); known items are kept.
insert or ignore into items (item_code, construct, text_da, text_en, scale_min, scale_max, touchpoint, core, instrument_id)
select item_code, construct, text_da, text_en, scale_min, scale_max, touchpoint, core, instrument_id from new_items
