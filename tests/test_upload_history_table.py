"""The Upload page's history table: loaded_at to the minute comes from SQL (``loaded_minute``
of ``uploads_list.sql``); checked against pandas formatting of the stored timestamps."""

from __future__ import annotations

import pandas as pd

from servicemirror.app import uploading


def test_history_table_shows_loaded_at_to_the_minute(small_db_shared):
    history = uploading.history(small_db_shared)
    assert len(history) > 0
    before = history.copy()
    table = uploading.history_table(history)
    pd.testing.assert_frame_equal(history, before)  # the caller's frame is left as it was
    assert list(table.columns) == [
        "upload_id",
        "file_name",
        "format",
        "respondent_type",
        "rows_loaded",
        "rows_rejected",
        "responses_superseded",
        "loaded_at",
        "status",
    ]
    expected = pd.to_datetime(history["loaded_at"]).dt.strftime("%Y-%m-%d %H:%M")
    assert table["loaded_at"].tolist() == expected.tolist()
    assert table["upload_id"].tolist() == history["upload_id"].tolist()


def test_history_table_without_a_database(tmp_path):
    table = uploading.history_table(uploading.history(tmp_path / "none.duckdb"))
    assert table.empty and "loaded_at" in table.columns
