-- count_superseded_packages: how many library x period parts of earlier packages a new package
-- replaces (registered frame `new_forum_packages`). output: one number.
select count(*) from forum_packages
where superseded_by is null
  and (library_key, period) in (select library_key, period from new_forum_packages)
