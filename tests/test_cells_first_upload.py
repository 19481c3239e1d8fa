"""The first upload into a database with no stored published cell rebuilds the table whole
(servicemirror/privacy/cells_table.py): its slice is every cell there is, so the whole rebuild
must give exactly the slice's cells, and the next upload goes back to refreshing its slice."""

from __future__ import annotations

import pandas as pd
from conftest import write_one_library

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.privacy import publish


def _stored(path):
    with db.reading(path) as con:
        version = int(queries.scalar(con, "meta_get", key="data_version"))
        stored = publish.stored(con, 5, version)
        scoped = publish.from_rows(con, 5, libraries=["alfa"], periods=["2025"])
    assert stored is not None
    return stored[0], scoped[0]


def test_first_upload_into_a_new_database_is_its_slice_rebuilt_whole(tmp_path, refreshes):
    path = tmp_path / "new.duckdb"
    files = tmp_path / "files"
    load.load_file(path, write_one_library(files, "Alfa", "2025"), loaded_by="test")
    assert refreshes[-1].whole
    stored, scoped = _stored(path)
    assert len(stored) and set(stored["library_key"]) == {"alfa"}
    # the whole table is the slice the upload touched, cell for cell
    keys = ["library_key", "period", "side", "measure", "touchpoint"]
    columns = ["n", "mean", "sd", "ss_within", "suppressed"]
    pd.testing.assert_frame_equal(
        stored.sort_values(keys).reset_index(drop=True)[keys + columns].astype(object),
        scoped.sort_values(keys).reset_index(drop=True)[keys + columns].astype(object),
    )
    # with cells stored, the next upload refreshes only its own library-period
    load.load_file(path, write_one_library(files, "Beta", "2025"), loaded_by="test")
    assert not refreshes[-1].whole
    assert refreshes[-1].libraries == ("beta",)
