"""etl/wide.py trims text columns once per distinct cell (``_text_column``) and maps the
touchpoint once per distinct value (``_per_distinct``): the results must be the very values and
types of the per-row way (trim every cell, ``Series.map``), which these tests compute beside."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from servicemirror.etl import vocab
from servicemirror.etl.wide import _per_distinct, _text_column

CELL = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "Gentofte", " Gentofte ", "\u00a0Hørsholm\t", "Skranke", "x\u2003"]),
    st.text(alphabet=" \t\u00a0abcØ1", max_size=6),
)


def _per_row(series: pd.Series) -> pd.Series:
    """The per-row way the reader used before: trim every cell, blank as None."""
    text = series.astype("string").str.strip()
    keep = (text.notna() & (text != "")).fillna(False).astype(bool)
    return text.astype("object").where(keep, None)


@settings(max_examples=150, deadline=None)
@given(st.lists(CELL, max_size=40))
def test_text_column_equals_trimming_each_cell(cells):
    arrow = pa.table({"c": pa.array(cells, type=pa.string())}).to_pandas()
    mixed = pd.DataFrame({"c": pd.Series(cells + [3, 2.5], dtype=object)})  # a reader's own frame
    for frame in (arrow, mixed):
        got, want = _text_column(frame, "c"), _per_row(frame["c"])
        assert got.dtype == want.dtype == object
        assert got.index.equals(want.index)
        assert got.tolist() == want.tolist()


def test_text_column_of_no_column_is_all_none():
    frame = pd.DataFrame({"c": ["a", "b"]}, index=[5, 7])
    got = _text_column(frame, None)
    assert got.tolist() == [None, None] and list(got.index) == [5, 7]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([None, "Skranke", "udlån", "Online", "x"]), max_size=30))
def test_per_distinct_equals_series_map(values):
    series = pd.Series(values, dtype=object, index=range(10, 10 + len(values)))

    def touch(t):
        return vocab.touchpoint_of(t) if t else None

    got, want = _per_distinct(series, touch), series.map(touch)
    assert got.dtype == want.dtype
    assert got.index.equals(want.index)
    assert got.astype(object).tolist() == want.astype(object).tolist()
