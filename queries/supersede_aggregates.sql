-- supersede_aggregates: a newer aggregate for the same unit, period, type and item replaces the
-- older one (kept for undo). params: $upload_id.
update aggregates set superseded_by = $upload_id
where superseded_by is null
  and (library_key, coalesce(branch_key, ''), period, respondent_type, item_code) in (
      select library_key, coalesce(branch_key, ''), period, respondent_type, item from new_aggregates
  )
