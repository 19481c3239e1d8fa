"""The writer hands the response rows to DuckDB as Arrow (etl/writer.py ``_response_table``): the
stored rows must be those DuckDB stores from the frame itself, blanks (None, NaN, NA), timestamps
and a segment column of mixed text and numbers (which Arrow cannot hold: the frame is used)
included."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl.writer import _response_table


def _frame(mixed: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "row": np.array([1, 2, 3], dtype="int64"),
            "respondent_id": ["a", None, "c"],
            "library_key": pd.Series(["alfa", "alfa", "beta"], dtype="str"),
            "branch_key": pd.Series([None, "alfa-nord", np.nan], dtype=object),
            "period": pd.Series(["2025", "2025", "2026"], dtype="str"),
            "respondent_type": pd.Series(["staff", "patron", "patron"], dtype="str"),
            "submitted_at": pd.to_datetime(["2025-02-01 10:00:01", None, "2026-03-04 00:00:00"]),
            "touchpoint": pd.Series([None, "lending", None], dtype=object),
            "respondent_hash": pd.Series(["h1", None, "h3"], dtype="string[pyarrow]"),
            "age_band": pd.Series(["18-29", np.nan, None], dtype=object),
            "visit_frequency": pd.Series([np.nan] * 3, dtype=object),
            "user_type": pd.Series(["x", 7, None] if mixed else ["x", "y", None], dtype=object),
            "channel": pd.Series([None] * 3, dtype=object),
        }
    )


def _stored(path, table) -> list[tuple]:
    with db.writing(path, create=True) as con:
        con.execute(
            "insert into uploads (upload_id, file_name, sha256, respondent_type) "
            "values (1, 'x.csv', 'x', 'staff')"
        )
        con.register("new_responses", table)
        queries.execute(con, "insert_responses", upload_id=1)
        con.unregister("new_responses")
        return con.execute("select * from responses order by response_id").fetchall()


@pytest.mark.parametrize("mixed", [False, True])
def test_response_rows_stored_from_arrow_equal_those_from_the_frame(tmp_path, mixed):
    frame = _frame(mixed)
    table = _response_table(frame)
    # Arrow unless a column mixes text and numbers
    assert isinstance(table, pd.DataFrame) if mixed else isinstance(table, pa.Table)
    assert _stored(tmp_path / "arrow.duckdb", table) == _stored(tmp_path / "frame.duckdb", frame)


def test_stored_respondent_hashes_are_hashlib_digests_of_the_trimmed_ids(tmp_path):
    # the writer hashes the ids in DuckDB (queries/new_responses_hashed.sql); what it stores
    # must be sha256("<salt>:<id>") as hashlib makes it, and null for a respondent without an id
    import hashlib

    from servicemirror.etl import load

    path = tmp_path / "q.csv"
    path.write_text(
        "StartDate,ResponseId,Q1,Bibliotek\n"
        "Start Date,Response ID,Jeg trives på min arbejdsplads,Bibliotek\n"
        "2025-02-01 10:00:00, R_1 ,4,Gentofte\n"
        "2025-02-01 11:00:00,R_2,3,Gentofte\n"
        "2025-02-01 12:00:00,,5,Gentofte\n",
        encoding="utf-8",
    )
    dbp = tmp_path / "t.duckdb"
    assert load.load_file(dbp, path, respondent_type="staff").status == "loaded"
    with db.reading(dbp) as con:
        salt = queries.scalar(con, "setting_get", key="hash_salt")
        stored = con.execute(
            "select respondent_hash from responses order by response_id"
        ).fetchall()
    expected = [hashlib.sha256(f"{salt}:{i}".encode()).hexdigest() for i in ("R_1", "R_2")]
    assert [h for (h,) in stored] == [*expected, None]
