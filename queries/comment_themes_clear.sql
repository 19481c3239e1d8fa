-- comment_themes_clear: forget every comment's themes (the dictionary changed; all are re-tagged
-- in the same transaction). params: none.
delete from comment_themes
