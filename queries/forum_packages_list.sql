-- forum_packages_list: which library sent which periods, in which package (upload), when built and
-- when loaded; newest first. Superseded parts say by which upload; undone packages are listed too.
-- output: upload_id, file_name, library_key, display_name, consent_named, period, package_version,
--         product_version, created_at, loaded_at, loaded_by, status ('active' | 'superseded' |
--         'undone'), superseded_by.
select p.upload_id, u.file_name, p.library_key, l.display_name, p.consent_named, p.period,
       p.package_version, p.product_version, p.created_at, u.loaded_at, u.loaded_by,
       case when u.status <> 'active' then u.status
            when p.superseded_by is not null then 'superseded'
            else 'active' end as status,
       p.superseded_by
from forum_packages p
join uploads u using (upload_id)
left join libraries l using (library_key)
order by p.upload_id desc, p.library_key, p.period
