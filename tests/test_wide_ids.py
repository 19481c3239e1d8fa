"""The wide readers keep respondent ids as Arrow-backed strings (etl/wide.py ``_id_column``),
never Python strings: they only go to DuckDB to be hashed where the writer stores them
(queries/new_responses_hashed.sql). Trimmed and blanked exactly as the text columns are, and
hashed as hashlib hashes the Python-trimmed id."""

from __future__ import annotations

import hashlib

import pandas as pd
import pyarrow as pa

from servicemirror import queries
from servicemirror.etl.source import parsing_connection
from servicemirror.etl.wide import _id_column, _text_column

CELLS = [" a ", "", None, "b", "\u00a0c\t", " ", "Ø-7\u2003", "x y"]


def _frame():
    return pa.table({"id": pa.array(CELLS)}).to_pandas()


def hash_column(ids: pd.Series, salt: str) -> list[str | None]:
    """The digests the writer stores for ``ids`` (its own statement, on a connection of its own)."""
    con = parsing_connection()
    try:
        con.register(
            "new_response_rows", pd.DataFrame({"row": range(len(ids)), "respondent_id": ids})
        )
        queries.execute(con, "new_responses_hashed", salt=salt)
        hashes = con.execute("select respondent_hash from new_responses order by row").fetchall()
    finally:
        con.close()
    return [h for (h,) in hashes]


def test_ids_are_trimmed_and_blanked_like_text_columns():
    ids, text = _id_column(_frame(), "id"), _text_column(_frame(), "id")
    assert ids.dtype != object  # no Python string per respondent
    assert [None if pd.isna(v) else v for v in ids] == [None if v is None else v for v in text]


def test_ids_hash_as_hashlib_hashes_the_python_trimmed_id():
    got = hash_column(_id_column(_frame(), "id"), "salt")
    want = [
        hashlib.sha256(f"salt:{c.strip()}".encode()).hexdigest() if c and c.strip() else None
        for c in CELLS
    ]
    assert got == want


def test_no_id_column_hashes_to_nothing():
    hashes = hash_column(_id_column(_frame(), None), "salt")
    assert hashes == [None] * len(CELLS)
