-- branches_all: the known branches. output: branch_key, library_key, display_name, aliases.
select branch_key, library_key, display_name, aliases from branches order by branch_key
