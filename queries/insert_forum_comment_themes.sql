-- insert_forum_comment_themes: a package's comment theme and tone counts (registered frame
-- `new_forum_comment_themes`: library_key, period, side, theme, n_comments, positive, neutral,
-- negative, n_group). params: $upload_id.
insert into forum_comment_themes (
    upload_id, library_key, period, side, theme, n_comments, positive, neutral, negative,
    n_group, superseded_by
)
select $upload_id, library_key, period, side, theme, n_comments, positive, neutral, negative,
       n_group, null
from new_forum_comment_themes
