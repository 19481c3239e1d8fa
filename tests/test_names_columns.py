"""etl/names.py builds the library_key and display_name columns by Arrow's take from the few
distinct matches (``_text_by_code``): the column must be exactly what pandas made of the
per-row object array it replaced (values and dtype), and the resolver's columns must be the
per-row ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicemirror.etl.known import _database_state
from servicemirror.etl.names import _LibraryResolver, _text_by_code


def _as_pandas_made_it(values: np.ndarray, codes: np.ndarray) -> pd.Series:
    frame = pd.DataFrame({"row": np.arange(len(codes))})
    frame["col"] = values[codes]
    return frame["col"]


def _as_built(values: np.ndarray, codes: np.ndarray) -> pd.Series:
    frame = pd.DataFrame({"row": np.arange(len(codes))})
    frame["col"] = _text_by_code(values, codes)
    return frame["col"]


@pytest.mark.parametrize(
    ("values", "codes"),
    [
        (np.array(["gentofte", "Hørsholm Bibliotek", "x y", None], dtype=object), [0, 1, 1, 2, 0]),
        (np.array(["a", None], dtype=object), [0, 1, 0]),  # a None row: pandas' own way
        (np.array(["a", 3, None], dtype=object), [1, 0]),  # not all texts: pandas' own way
        (np.array(["a", None], dtype=object), []),  # no row
    ],
)
def test_text_by_code_is_what_pandas_made_of_the_rows(values, codes):
    codes = np.array(codes, dtype=np.intp)
    pd.testing.assert_series_equal(_as_built(values, codes), _as_pandas_made_it(values, codes))


def test_resolver_columns_are_the_matched_names_per_row():
    state = _database_state(Path("/nonexistent/none.duckdb"))
    libraries = [
        "Gentofte Bibliotek",
        " Gentofte Bibliotek",
        None,
        "Hørsholm",
        "Gentofte Bibliotek",
    ]
    frame = pd.DataFrame(
        {
            "row": [1, 2, 3, 4, 5],
            "library": pd.Series(libraries, dtype=object),
            "branch": pd.Series([None, "Vest", None, None, "Vest"], dtype=object),
        }
    )
    problems: list = []
    out = _LibraryResolver(state, None, "f.csv").apply(frame, problems)
    assert out["row"].tolist() == [1, 2, 4, 5]  # row 3 has no library
    assert [p.row for p in problems] == [3]
    assert out["library_key"].dtype == "str" and out["display_name"].dtype == "str"
    keys = out["library_key"].tolist()
    assert keys[0] == keys[1] == keys[3] != keys[2]
    assert out["display_name"].tolist()[2] == "Hørsholm"
    branch = out["branch_key"].tolist()
    assert pd.isna(branch[0]) and branch[1] == branch[3] == f"{keys[0]}/vest"
