"""publish.from_rows pins the join sides of cells.sql (queries/join_sides_as_written.sql) for
speed only: the cells must be the very numbers the optimizer's own plan gives, and the
connection must be left choosing its join sides again, whether the query succeeds or not."""

from __future__ import annotations

import pandas as pd
import pytest

from servicemirror import queries
from servicemirror.core import db
from servicemirror.privacy import publish


def _pinned(con) -> str:
    return con.execute("select current_setting('disabled_optimizers')").fetchone()[0]


def test_cells_with_pinned_sides_equal_the_optimizers_plan(small_db_shared):
    with db.reading(small_db_shared) as con:
        k = publish.k_from_settings(dict(queries.run(con, "settings_all").itertuples(index=False)))
        cells, _ = publish.from_rows(con, k)
        assert _pinned(con) == ""  # let go again
        # the same statement with the optimizer choosing the sides, suppressed alike
        free = publish.protect(
            queries.run(con, "cells"), queries.run(con, "staff_branch_cells"), k
        )[0]
    assert len(cells) > 20
    pd.testing.assert_frame_equal(cells, free, check_exact=True)


def test_a_failing_cells_query_still_lets_go_of_the_pin(small_db_shared, monkeypatch):
    real = queries.run

    def failing(con, name, /, **params):
        if name == "cells":
            raise RuntimeError("cells failed")
        return real(con, name, **params)

    monkeypatch.setattr(queries, "run", failing)
    with db.reading(small_db_shared) as con:
        with pytest.raises(RuntimeError, match="cells failed"):
            publish.from_rows(con, 5)
        assert _pinned(con) == ""
