"""etl/validate.py writes each distinct period once (``period_of``) and trims a period column
once per distinct cell (``_trimmed``), then spreads them back by code: the columns must be
the very values, dtype and index of the per-row way (computed here beside them)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicemirror.etl.validate import _apply_periods, _trimmed, period_of


def _per_row_period_of(timestamps: pd.Series, length: str) -> pd.Series:
    ts = pd.to_datetime(timestamps, errors="coerce")
    year = ts.dt.year.astype("Int64").astype("string")
    if length == "half":
        return year + "-H" + ((ts.dt.month - 1) // 6 + 1).astype("Int64").astype("string")
    if length == "quarter":
        return year + "-Q" + ts.dt.quarter.astype("Int64").astype("string")
    return year


STAMPS = [
    pd.Series(pd.to_datetime(np.random.default_rng(0).integers(1.6e9, 1.75e9, 500), unit="s")),
    pd.Series([pd.Timestamp("2024-03-01"), pd.NaT, pd.Timestamp("2023-12-31")], index=[5, 9, 2]),
    pd.Series([pd.NaT, pd.NaT], dtype="datetime64[ns]"),
    pd.Series([], dtype="datetime64[ns]"),
    pd.Series(["2024-07-02", None, "not a date"], dtype=object),
]


@pytest.mark.parametrize("length", ["year", "half", "quarter"])
@pytest.mark.parametrize("stamps", STAMPS, ids=range(len(STAMPS)))
def test_period_of_equals_the_per_row_labels(stamps, length):
    pd.testing.assert_series_equal(period_of(stamps, length), _per_row_period_of(stamps, length))


@pytest.mark.parametrize(
    "cells",
    [
        pd.Series([None, " 2024 ", "2024", "", None, "2024-H1\t"], dtype=object),
        pd.Series([2024, 2024.0, None, "x "], dtype=object),  # 2024 and 2024.0 stay apart
        pd.Series([None] * 4, dtype=object),
        pd.Series([], dtype=object),
        pd.Series(["a", " b"], dtype="str", index=[3, 1]),
        pd.Series([1.5, np.nan]),
    ],
)
def test_trimmed_equals_trimming_each_cell(cells):
    pd.testing.assert_series_equal(_trimmed(cells), cells.astype("string").str.strip())


def test_a_stated_period_wins_over_the_date_and_a_row_without_either_is_told():
    frame = pd.DataFrame(
        {
            "row": [1, 2, 3],
            "period": pd.Series([" 2023-H2 ", None, None], dtype=object),
            "submitted_at": pd.to_datetime(["2024-05-01", "2024-09-01", None]),
        }
    )
    problems: list = []
    out = _apply_periods(frame, None, "half", problems, "f.csv")
    assert out["period"].tolist() == ["2023-H2", "2024-H2"]
    assert [p.row for p in problems] == [3]
