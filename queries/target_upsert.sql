-- target_upsert: set (add or replace) one service-declaration target.
-- params: $library_key, $touchpoint ('' = overall satisfaction), $measure (index | top2 | nps),
--         $target_value (index and nps on their reporting scale; top2 as a percentage 0-100),
--         $source (e.g. "Servicedeklaration 2023").
insert or replace into targets (library_key, touchpoint, measure, target_value, source)
values ($library_key, $touchpoint, $measure, $target_value, $source)
