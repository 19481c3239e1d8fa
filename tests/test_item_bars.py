"""The Library page's item bars (``data.item_bars``) and the item visibility rule
(``publish.visible_items``) against independent pandas computations of the same definitions,
for every library, period and side of the demo database (the fast paths must not change a row)."""

from __future__ import annotations

import pandas as pd
import pytest

from servicemirror import queries
from servicemirror.core import db
from servicemirror.privacy import publish


def _visible_reference(pub: publish.Published, dist: pd.DataFrame) -> pd.DataFrame:
    """The rule of ``visible_items``' docstring, written with merges and groupby."""
    cells = pub.cells
    staff = cells[(cells["side"] == "staff") & (cells["touchpoint"] == "")][
        ["library_key", "period", "measure", "suppressed", "n"]
    ].rename(columns={"n": "cell_n"})
    rows = dist.reset_index(drop=True).copy()
    rows["measure"] = rows["construct"].where(rows["construct"] != "touchpoint", "satisfaction")
    own = rows.merge(staff, on=["library_key", "period", "measure"], how="left")
    well = rows.merge(
        staff[staff["measure"] == "wellbeing"].drop(columns="measure"),
        on=["library_key", "period"],
        how="left",
    )
    # no cell of the item's own measure: the group is the wellbeing cell
    found = own["cell_n"].notna()
    rows["group"] = rows["measure"].where(found, "wellbeing")
    hidden = own["suppressed"].where(found, well["suppressed"])
    rows["ok"] = hidden.notna() & ~hidden.fillna(True).astype(bool)
    rows["cell_n"] = own["cell_n"].where(found, well["cell_n"]).fillna(0)
    complement = rows["cell_n"] - rows["n_item"]
    rows["short"] = (rows["side"] == "staff") & (complement > 0) & (complement < pub.k)
    short = rows.groupby(["library_key", "period", "group"])["short"].transform("any")
    keep = (rows["side"] != "staff") | (rows["ok"] & (rows["n_item"] >= pub.k) & ~short)
    return dist.reset_index(drop=True)[keep.to_numpy()].reset_index(drop=True)


def test_visible_items_match_the_rule_written_out(demo_db):
    pub = publish.published(demo_db)
    with db.reading(demo_db) as con:
        libraries = queries.run(con, "library_periods")["library_key"].unique()
        dists = [queries.run(con, "item_distribution", library_key=lib) for lib in libraries]
    staff_rows = 0
    for dist in dists:
        shown = publish.visible_items(pub, dist)
        pd.testing.assert_frame_equal(shown, _visible_reference(pub, dist))
        staff_rows += int((shown["side"] == "staff").sum())
        # patron rows alone: all kept
        patron = dist[dist["side"] == "patron"]
        assert len(publish.visible_items(pub, patron)) == len(patron)
    assert staff_rows > 0  # the staff rule was exercised, not only the patron short cut


@pytest.mark.parametrize("lang", ["da", "en"])
def test_item_bars_match_an_independent_layout(demo_db, monkeypatch, lang):
    monkeypatch.setenv("SERVICEMIRROR_DB", str(demo_db))
    from servicemirror.dashboard import data, i18n

    pub = publish.published(demo_db)
    with db.reading(demo_db) as con:
        grid = queries.run(con, "library_periods")
    compared = 0
    for lib in grid["library_key"].unique()[:3]:
        with db.reading(demo_db) as con:
            dist = queries.run(con, "item_distribution", library_key=lib)
        for period in grid.loc[grid["library_key"] == lib, "period"].unique():
            for side in ("staff", "patron"):
                got = data.item_bars(lib, period, side, lang)
                rows = dist[(dist["period"] == period) & (dist["side"] == side)]
                rows = publish.visible_items(pub, rows)
                if rows.empty:
                    assert got.empty
                    continue
                text = rows["text_da"] if lang == "da" else rows["text_en"]
                rows = rows.assign(item=text.fillna(rows["item_code"]).astype(str))
                for item, one in rows.groupby("item", sort=False):
                    bars = got[got["item"] == item].reset_index(drop=True)
                    one = one.sort_values("value").reset_index(drop=True)
                    total = one["n"].sum()
                    share = one["n"] / total
                    mid = (one["scale_min"].iloc[0] + one["scale_max"].iloc[0]) / 2
                    left = share[one["value"] < mid].sum() + share[one["value"] == mid].sum() / 2
                    start = -left + share.cumsum() - share
                    steps = int(one["scale_max"].iloc[0] - one["scale_min"].iloc[0] + 1)
                    words = i18n.labels.answer_words(steps, lang)
                    level = (one["value"] - one["scale_min"].iloc[0]).astype(int)
                    assert bars["value"].tolist() == one["value"].astype(float).tolist()
                    assert bars["n"].tolist() == one["n"].tolist()
                    assert bars["share"].to_numpy() == pytest.approx(share.to_numpy())
                    assert bars["start"].to_numpy() == pytest.approx(start.to_numpy())
                    assert bars["end"].to_numpy() == pytest.approx((start + share).to_numpy())
                    assert set(bars["n_item"]) == {total}
                    assert set(bars["steps"]) == {steps}
                    assert bars["answer"].tolist() == [words[lv] for lv in level]
                    compared += 1
    assert compared > 10
