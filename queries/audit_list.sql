-- audit_list: the audit log, newest first.
-- params: none.
-- output: audit_id, done_at, who, role, action, library_key, detail.
select audit_id, done_at, who, role, action, library_key, detail
from audit
order by audit_id desc
