-- insert_new_branches: branches first seen in an upload (registered frame `new_branches`).
insert or ignore into branches (branch_key, library_key, display_name, aliases)
select branch_key, library_key, display_name, [display_name] from new_branches
