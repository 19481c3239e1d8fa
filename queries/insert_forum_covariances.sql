-- insert_forum_covariances: a package's staff item covariances for Cronbach's alpha (registered
-- frame `new_forum_covariances`). params: $upload_id.
insert into forum_item_covariances (upload_id, library_key, period, scale, n, n_incomplete, item_i, item_j,
                                    mean_i, mean_j, cov, superseded_by)
select $upload_id, library_key, period, scale, n, n_incomplete, item_i, item_j, mean_i, mean_j, cov, null
from new_forum_covariances
