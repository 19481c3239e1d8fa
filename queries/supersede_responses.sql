-- supersede_responses: older current responses of the same respondents (hash, type, library)
-- are marked superseded by this upload; undo restores them. params: $upload_id.
update responses set superseded_by = $upload_id
where superseded_by is null
  and upload_id <> $upload_id
  and respondent_hash is not null
  and (respondent_hash, respondent_type, library_key) in (
      select respondent_hash, respondent_type, library_key from new_responses where respondent_hash is not null
  )
