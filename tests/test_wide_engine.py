"""The wide readers' engine (etl/source.py, etl/answers.py): what moved into DuckDB gives what the
Python it replaced gave, checked against an independent computation."""

from __future__ import annotations

import pandas as pd

from servicemirror.etl import wide, wide_values
from servicemirror.etl.answers import Answers


def test_answers_from_a_frame_keep_order_values_and_summary():
    frame = pd.DataFrame(
        {
            "row": [1, 2, 3, 1, 2],
            "column": ["Q1", "Q1", "Q1", "Q2", "Q2"],
            "item": ["q1", "q1", "q1", "q2", "q2"],
            "value": [4.0, float("nan"), 2.0, 9.0, 3.0],
            "raw_value": ["4", "Ved ikke", "2", "9", "3"],
        }
    )
    answers = Answers.of(frame)
    assert len(answers) == 5
    back = answers.frame()
    assert back["raw_value"].tolist() == frame["raw_value"].tolist()
    assert back["value"].isna().tolist() == frame["value"].isna().tolist()
    summary = answers.summary().set_index("item")
    # pandas on the same frame: n and mean of the valid ratings per item
    valid = frame.dropna(subset=["value"]).groupby("item")["value"]
    assert summary["n"].to_dict() == valid.size().to_dict()
    assert summary["mean"].round(9).to_dict() == valid.mean().round(9).to_dict()
    answers.keep_rows([1, 3])
    assert sorted(answers.frame()["row"]) == [1, 1, 3]


def test_a_column_read_from_distinct_cells_equals_the_cell_by_cell_reading():
    raw = pd.Series(["Helt enig", " Enig", None, "Ved ikke", "Uenig", "banan", "Enig", ""])
    item = wide.ItemSpec(column="Q", text="Jeg trives på min arbejdsplads")
    by_cell = wide_values.interpret_column(raw, item, "staff")
    cells = raw.astype("string").str.strip()
    distinct = pd.Series(cells[cells.notna() & (cells != "")].unique(), dtype="object")
    once = wide_values.interpret_distinct(distinct, item, "staff")
    lookup = dict(zip(once.cells, once.values, strict=True))
    spread = cells.map(lambda c: lookup.get(c) if isinstance(c, str) else None).astype(float)
    pd.testing.assert_series_equal(
        spread.where(by_cell.answered), by_cell.values, check_names=False
    )
    assert (once.scale_min, once.scale_max) == (by_cell.scale_min, by_cell.scale_max)
    assert dict(zip(once.cells, once.unknown, strict=True))["banan"]
    # the 5-point agreement labels (docs/vocabulary.md): Helt enig 5, Enig 4, Uenig 2
    assert {k: lookup[k] for k in ("Helt enig", "Enig", "Uenig")} == {
        "Helt enig": 5.0,
        "Enig": 4.0,
        "Uenig": 2.0,
    }
