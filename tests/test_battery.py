"""`analyze`: the battery on published cells, its JSON shape, exclusions and independent checks."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import MULTILEVEL_FIELDS, run_cli
from scipy import stats

from servicemirror.analysis import battery
from servicemirror.app import hypothesis
from servicemirror.privacy import publish

ISSUE_FIELDS = {
    "libraries",
    "periods",
    "staff_responses",
    "patron_responses",
    "library_level",
    "multilevel",
    "within_between",
    "lagged",
    "touchpoints",
    "power",
    "reliability",
    "excluded",
    "verdict",
}


@pytest.fixture(scope="module")
def demo_result(demo_db):
    done = run_cli("analyze", "--db", demo_db, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_analyze_json_has_every_issue_field(demo_result):
    assert ISSUE_FIELDS <= set(demo_result)
    assert set(demo_result["library_level"]) >= {
        "n",
        "pearson_r",
        "ci_low",
        "ci_high",
        "spearman_rho",
        "p_permutation",
    }
    assert set(demo_result["multilevel"]) >= MULTILEVEL_FIELDS
    assert set(demo_result["power"]) >= {
        "min_detectable_r_80",
        "power_r_0_2",
        "power_r_0_3",
        "power_r_0_5",
        "libraries_needed_r_0_2",
        "libraries_needed_r_0_3",
        "libraries_needed_r_0_5",
    }
    assert set(demo_result["lagged"]) >= {"staff_to_patron", "patron_to_staff"}
    assert demo_result["verdict"]["da"] and demo_result["verdict"]["en"]
    assert (
        "ikke årsag" in demo_result["verdict"]["da"]
        and "not causation" in demo_result["verdict"]["en"]
    )


def test_demo_primary_analysis_uses_all_15_libraries_and_df(demo_result):
    assert demo_result["libraries"] == 15 and demo_result["periods"] == 6
    assert demo_result["multilevel"]["df"] == 15 - 1 - 1  # J - q - 1
    assert demo_result["multilevel"]["converged"] is True
    # the hidden library-periods of the demo are listed, not silently used
    hidden = {(e["library"], e["reason"].split(":")[0]) for e in demo_result["excluded_periods"]}
    assert hidden, "the demo has staff cells below k"


def test_library_level_r_equals_scipy_on_the_published_points(demo_db, demo_result):
    pub = publish.published(demo_db)
    cells, _ = battery.analysis_cells(pub.cells)
    staff = cells[(cells.side == "staff")].groupby(["library", "period"])["mean"].first()
    patron = (
        cells[(cells.side == "patron") & cells.touchpoint.isna()]
        .groupby(["library", "period"])["mean"]
        .first()
    )
    matched = staff.to_frame("x").join(patron.to_frame("y"), how="inner").groupby("library").mean()
    # independent: scipy on unweighted library means of the matched periods (docs/statistics.md §7)
    ref = stats.pearsonr(matched["x"], matched["y"])
    ci = ref.confidence_interval(0.95)
    lib = demo_result["library_level"]
    assert lib["n"] == len(matched) == 15
    assert lib["pearson_r"] == pytest.approx(ref.statistic, abs=1e-12)
    assert (lib["ci_low"], lib["ci_high"]) == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_hidden_library_is_left_out_of_every_statistic(small_db):
    # Zeta has 3 staff answers in 2023 (below k = 5): its 2023 staff cell must not enter r
    result = hypothesis.analyze(small_db)
    assert {e["library"] for e in result["excluded_periods"]} == {"zeta"}
    pub = publish.published(small_db)
    cells = pub.cells
    staff = cells[
        (cells.side == "staff") & (cells.measure == "wellbeing") & (cells.touchpoint == "")
    ]
    assert staff[(staff.library_key == "zeta") & (staff.period == "2023")]["mean"].isna().all()
    pairs = {p["library"]: p["periods"] for p in result["pairs"]}
    assert pairs["zeta"] == ["2024"]
    # recompute r from only the visible cells: equal, so the hidden value played no part
    vis = staff.dropna(subset=["mean"]).set_index(["library_key", "period"])["mean"]
    pat = cells[
        (cells.side == "patron") & (cells.measure == "satisfaction") & (cells.touchpoint == "")
    ]
    pat = pat.set_index(["library_key", "period"])["mean"]
    both = vis.to_frame("x").join(pat.to_frame("y"), how="inner").groupby(level=0).mean()
    assert result["library_level"]["pearson_r"] == pytest.approx(
        np.corrcoef(both["x"], both["y"])[0, 1], abs=1e-12
    )


def test_library_without_visible_staff_is_excluded_with_reason(tmp_path):
    import pandas as pd

    from servicemirror.etl import load

    rows = []
    for lib, n_staff in (("Alfa", 6), ("Beta", 7), ("Gamma", 8), ("Delta", 9), ("Tiny", 3)):
        for s in range(n_staff):
            rows.append([lib, "2024", "staff", f"{lib}{s}", "core_w1", 1 + (s + len(lib)) % 5])
        for p in range(10):
            rows.append([lib, "2024", "patron", f"{lib}p{p}", "core_sat", 1 + (p + len(lib)) % 5])
    path = tmp_path / "f.csv"
    pd.DataFrame(
        rows, columns=["library", "period", "respondent_type", "respondent_id", "item", "value"]
    ).to_csv(path, index=False)
    load.load_file(tmp_path / "db.duckdb", path)
    result = hypothesis.analyze(tmp_path / "db.duckdb")
    assert result["libraries"] == 4
    assert [e["library"] for e in result["excluded"]] == ["tiny"]
    assert "fewer than 5 staff respondents" in result["excluded"][0]["reason"]
    assert "left out" in result["verdict"]["en"] or "excluded" in result["verdict"]["en"]


def test_touchpoint_family_is_bh_corrected(demo_result):
    tps = demo_result["touchpoints"]
    assert {t["touchpoint"] for t in tps} >= {
        "counter",
        "self_service",
        "home_delivery",
        "book_a_librarian",
    }
    # the exploratory comment outcomes sit in the same family (they make it stricter)
    comments = (demo_result.get("comment_outcomes") or {}).get("tests", [])
    family = tps + comments
    assert all(t["m"] == len(family) for t in family)
    ps = np.array([t["p_raw"] for t in family], dtype=float)
    adjusted = np.array([t["p_adjusted"] for t in family], dtype=float)
    # Benjamini-Hochberg by hand: p_(i) * m / i, made monotone from the top
    order = np.argsort(ps)
    m = len(ps)
    bh = np.minimum.accumulate((ps[order] * m / np.arange(1, m + 1))[::-1])[::-1]
    expected = np.empty(m)
    expected[order] = np.minimum(bh, 1)
    assert adjusted == pytest.approx(expected)


def test_comment_outcomes_are_exploratory_and_match_an_independent_computation(
    demo_result, demo_db
):
    """The share of positive patron comments against staff wellbeing, one point per library,
    recomputed here from the raw tables with plain SQL and scipy's Pearson r."""
    import duckdb

    from servicemirror.analysis import comment_outcomes
    from servicemirror.analysis.verdict import verdict

    part = demo_result["comment_outcomes"]
    assert part["label"].startswith("exploratory")
    assert {t["outcome"] for t in part["tests"]} == set(comment_outcomes.OUTCOMES)
    # never drives the verdict: the same verdict without it
    assert verdict(dict(demo_result, comment_outcomes=None)) == demo_result["verdict"]

    con = duckdb.connect(str(demo_db), read_only=True)
    shares = con.execute(
        """
        select r.library_key, r.period,
               avg(case when t.tone = 'positive' then 1.0 else 0.0 end) as share,
               any_value(g.n) as n_group
        from comments c
        join responses r using (response_id)
        join comment_tones t on t.response_id = c.response_id and t.item_code = c.item_code
        join (select library_key, period, count(*) as n from responses
              where respondent_type = 'patron' and superseded_by is null
              group by all) g using (library_key, period)
        where r.respondent_type = 'patron' and r.superseded_by is null
        group by all
        """
    ).df()
    con.close()
    shares = shares[shares["n_group"] >= 10]
    cells = publish.published(demo_db).cells
    staff = cells[
        (cells["side"] == "staff")
        & (cells["measure"] == "wellbeing")
        & (cells["touchpoint"] == "")
        & cells["mean"].notna()
    ][["library_key", "period", "mean"]]
    points = (
        shares.merge(staff, on=["library_key", "period"])
        .groupby("library_key")[["mean", "share"]]
        .mean()
    )
    test = next(t for t in part["tests"] if t["outcome"] == "positive_share")
    assert test["n"] == len(points)
    assert test["pearson_r"] == pytest.approx(stats.pearsonr(points["mean"], points["share"])[0])
