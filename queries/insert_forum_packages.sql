-- insert_forum_packages: the registry rows of one imported package, one per library x period
-- (registered frame `new_forum_packages`). params: $upload_id.
insert into forum_packages (upload_id, library_key, period, package_version, product_version, created_at,
                            instruments, consent_named, k, superseded_by)
select $upload_id, library_key, period, package_version, product_version, created_at,
       instruments, consent_named, k, null
from new_forum_packages
