-- upload_by_sha256: the active upload with this file content, if any (the same file twice is a no-op).
-- params: $sha256. output: upload_id.
select upload_id from uploads where sha256 = $sha256 and status = 'active' limit 1
