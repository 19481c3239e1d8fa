-- comment_tones_clear: forget every comment's tone (the dictionary changed; all are re-tagged in
-- the same transaction). params: none.
delete from comment_tones
