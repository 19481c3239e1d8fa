-- personas_all: every defined persona.
-- output: persona_id, name, description, age_band, visit_frequency, user_type, channel.
select persona_id, name, description, age_band, visit_frequency, user_type, channel
from personas
order by name
