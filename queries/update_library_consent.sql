-- update_library_consent: a package says whether its library agreed to be named in the forum;
-- the newest package decides (registered frame `new_forum_library`: library_key, consent_named).
update libraries set consent_named = n.consent_named
from new_forum_library n
where libraries.library_key = n.library_key
