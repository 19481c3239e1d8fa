-- forum_item_covariances_all: staff item covariances of every active package part (for Cronbach's
-- alpha on a forum installation, pooled per scale x period by servicemirror.app.forum).
-- output: library_key, period, scale, n, n_incomplete, item_i, item_j, mean_i, mean_j, cov.
select c.library_key, c.period, c.scale, c.n, c.n_incomplete, c.item_i, c.item_j, c.mean_i, c.mean_j, c.cov
from current_forum_item_covariances c
order by c.library_key, c.period, c.scale, c.item_i, c.item_j
