"""queries/kiosk_hours.sql (the Services page's kiosk by weekday x hour, summed in the engine)
against an independent regrouping of kiosk_by_hour's per-library rows in pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from servicemirror import queries
from servicemirror.core import db


@pytest.fixture(scope="module")
def kiosk_db(tmp_path_factory):
    """Three libraries' presses on a Monday and a Tuesday: alfa staffed 9-17 every day, beta
    10-16 (so they disagree at 9 and 16), gamma without staffed hours (unknown)."""
    path = tmp_path_factory.mktemp("kiosk") / "k.duckdb"
    rng = np.random.default_rng(7)
    rows = [
        (lib, date, hour, button, int(rng.integers(1, 9)))
        for lib in ("alfa", "beta", "gamma")
        for date in ("2025-03-03", "2025-03-04")
        for hour in (8, 9, 10, 12, 16, 20)
        for button in (1, 2, 3, 4)
    ]
    presses = pd.DataFrame(rows, columns=["library_key", "date", "hour", "button", "n"])
    facts = pd.DataFrame(
        [
            (lib, "2025", f"staffed_{edge}_{day}", value)
            for lib, start, end in (("alfa", 9, 17), ("beta", 10, 16))
            for day in range(1, 8)
            for edge, value in (("start", start), ("end", end))
        ],
        columns=["library_key", "period", "name", "value"],
    )
    with db.writing(path, create=True) as con:
        con.execute(
            "insert into uploads (upload_id, file_name, sha256, status) "
            "values (1, 'kiosk.csv', 'x', 'active')"
        )
        con.register("presses", presses)
        con.register("facts", facts)
        con.execute(
            "insert into kiosk_counts (upload_id, library_key, date, hour, button, n) "
            "select 1, library_key, cast(date as date), hour, button, n from presses"
        )
        con.execute(
            "insert into library_facts (library_key, period, name, value) "
            "select library_key, period, name, value from facts"
        )
    return path


def regrouped(by_hour: pd.DataFrame) -> pd.DataFrame:
    """kiosk_by_hour's rows summed over libraries: presses-weighted score and happiest share;
    staffed kept only when every library agrees (unknown counts as its own answer)."""
    frame = by_hour.assign(
        weighted=by_hour["score"] * by_hour["presses"],
        happy=by_hour["happiest_share"] * by_hour["presses"],
        staffed=by_hour["staffed"].astype("object").where(by_hour["staffed"].notna(), None),
    )
    out = frame.groupby(["weekday", "hour"], as_index=False).agg(
        presses=("presses", "sum"),
        weighted=("weighted", "sum"),
        happy=("happy", "sum"),
        staffed=("staffed", lambda s: s.iloc[0] if s.nunique(dropna=False) == 1 else None),
    )
    out["score"] = out["weighted"] / out["presses"]
    out["happiest_share"] = out["happy"] / out["presses"]
    return out


@pytest.mark.parametrize("library", [None, "alfa", "beta", "gamma"])
def test_kiosk_hours_equals_kiosk_by_hour_regrouped(kiosk_db, library):
    with db.reading(kiosk_db) as con:
        by_hour = queries.run(con, "kiosk_by_hour")
        got = queries.run(con, "kiosk_hours", library_key=library)
    if library is not None:
        by_hour = by_hour[by_hour["library_key"] == library]
    want = regrouped(by_hour)
    assert got[["weekday", "hour"]].values.tolist() == want[["weekday", "hour"]].values.tolist()
    np.testing.assert_array_equal(got["presses"], want["presses"])
    np.testing.assert_allclose(got["score"], want["score"])
    np.testing.assert_allclose(got["happiest_share"], want["happiest_share"])
    staffed = [None if pd.isna(v) else bool(v) for v in got["staffed"]]
    assert staffed == list(want["staffed"])


def test_staffed_hours_are_kept_only_where_the_libraries_agree(kiosk_db):
    with db.reading(kiosk_db) as con:
        both = queries.run(con, "kiosk_hours", library_key=None)
        alfa = queries.run(con, "kiosk_hours", library_key="alfa")
    monday = alfa[alfa["weekday"] == 1].set_index("hour")["staffed"]
    assert monday.to_dict() == {8: False, 9: True, 10: True, 12: True, 16: True, 20: False}
    # gamma's hours are unknown, so no hour of the whole forum is called staffed or not
    assert both["staffed"].isna().all()
