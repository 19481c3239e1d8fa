-- persona_upsert: define (or redefine) a persona, a named combination of patron segments.
-- params: $persona_id, $name, $description, $age_band, $visit_frequency, $user_type, $channel
--         (a null segment = any value).
insert or replace into personas (persona_id, name, description, age_band, visit_frequency,
                                 user_type, channel)
values ($persona_id, $name, $description, $age_band, $visit_frequency, $user_type, $channel)
