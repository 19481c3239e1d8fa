"""The anonymity attacks, played: each test tries to learn a hidden staff figure and fails.

The forum below has groups with fewer than k = 5 staff answers on purpose:
- Alfa 2024: branch Syd has 2 staff (branches Hovedbiblioteket 8, Nord 6);
- Beta 2024: branch Vest has 3 staff, 2 more staff gave no branch (Centrum has 10);
- Gamma 2023: the whole library has 3 staff (2024: 7);
- Delta 2024: staff rate the services they work at; only 2 work at "web" (7 at the counter);
- Theta: one period, 2024, with 3 staff (so a published r over 8 libraries would solve for it).

Each attack is what a curious reader could do with published figures: subtract visible branches
from the library total, visible periods from an all-periods figure, visible services from the
overall figure, the other libraries from the forum total, and solve a published r for the one
missing point. A test fails if the attack recovers a hidden group's true value. The true values
are computed here from the raw answers, as the attacker would like to know them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import LONG_KEYS
from scipy import optimize, stats

from servicemirror import cli
from servicemirror.app import hypothesis
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.privacy import publish

K = 5
STAFF = {
    ("Alfa", "2023"): [("Hovedbiblioteket", 8, ""), ("Nord", 7, "")],
    ("Alfa", "2024"): [("Hovedbiblioteket", 8, ""), ("Nord", 6, ""), ("Syd", 2, "")],
    ("Beta", "2023"): [("", 9, "")],
    ("Beta", "2024"): [("Centrum", 10, ""), ("Vest", 3, ""), ("", 2, "")],
    ("Gamma", "2023"): [("", 3, "")],
    ("Gamma", "2024"): [("", 7, "")],
    ("Delta", "2023"): [("", 8, "")],
    ("Delta", "2024"): [("", 9, ""), ("", 7, "counter"), ("", 2, "web")],
    ("Epsilon", "2023"): [("", 6, "")],
    ("Epsilon", "2024"): [("", 11, "")],
    ("Zeta", "2023"): [("", 12, "")],
    ("Zeta", "2024"): [("", 8, "")],
    ("Eta", "2023"): [("", 6, "")],
    ("Eta", "2024"): [("", 10, "")],
    ("Theta", "2024"): [("", 3, "")],
}
# the groups whose values the invariance test changes: hidden as whole library-periods
HIDDEN_LIBRARY_PERIODS = {("Gamma", "2023"), ("Theta", "2024")}
LIBRARIES = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta"]
COLUMNS = LONG_KEYS + ["branch", "touchpoint", "construct", "scale_min", "scale_max"]


def forum_rows(hidden_value: int | None = None, seed: int = 11) -> pd.DataFrame:
    """Long rows for the forum above; ``hidden_value`` sets every answer of the hidden
    library-periods (Gamma 2023, Theta 2024) to one value, leaving every other draw unchanged."""
    rng = np.random.default_rng(seed)
    rows = []
    for li, lib in enumerate(LIBRARIES):
        for period in ("2023", "2024"):
            level = 2.6 + 0.3 * li + (0.2 if period == "2024" else 0.0)
            for gi, (branch, n, tp) in enumerate(STAFF.get((lib, period), [])):
                for s in range(n):
                    rid = f"{lib}-{period}-g{gi}-s{s}"
                    # each group its own level, so a group's mean differs from its neighbours'
                    mu = level + 0.45 * gi
                    draws = np.clip(np.round(mu + rng.normal(0, 0.9, 6)), 1, 5).astype(int)
                    enps = int(rng.integers(3, 11))
                    sat = int(np.clip(round(mu + rng.normal(0, 0.8)), 1, 5))
                    if hidden_value is not None and (lib, period) in HIDDEN_LIBRARY_PERIODS:
                        draws[:] = hidden_value
                        enps = 2 * hidden_value
                    for w in range(5):
                        rows.append(
                            [lib, period, "staff", rid, f"core_w{w + 1}", draws[w], branch, tp]
                            + ["", 1, 5]
                        )
                    rows.append(
                        [lib, period, "staff", rid, "core_enps", enps, branch, tp, "", 0, 10]
                    )
                    if lib == "Delta":
                        rows.append(
                            [lib, period, "staff", rid, "staff_service", sat, branch, tp]
                            + ["satisfaction", 1, 5]
                        )
            if (lib, period) not in STAFF:
                continue
            for p in range(20):
                rid = f"{lib}-{period}-p{p}"
                value = int(np.clip(round(2.8 + 0.25 * li + rng.normal(0, 0.7)), 1, 5))
                rows.append([lib, period, "patron", rid, "core_sat", value, "", "", "", 1, 5])
    return pd.DataFrame(rows, columns=COLUMNS)


def build_forum(folder: Path, hidden_value: int | None = None) -> tuple[Path, pd.DataFrame]:
    """Load the forum through the product's own load path; returns (database, raw rows)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = forum_rows(hidden_value)
    path = folder / "forum.duckdb"
    for side, part in rows.groupby("respondent_type"):
        csv = folder / f"forum_{side}.csv"
        part.to_csv(csv, index=False)
        load.load_file(path, csv, loaded_by="test")
    # the fewest permutations the setting allows keep the battery quick; r and slopes do not
    # depend on them
    load.set_setting(path, "n_permutations", "999")
    return path, rows


def true_index(rows: pd.DataFrame, item_prefix: str = "core_w", **where) -> tuple[int, float]:
    """(n, mean) of the 0-100 index of the staff who match ``where``, from the raw answers."""
    part = rows[(rows["respondent_type"] == "staff") & rows["item"].str.startswith(item_prefix)]
    for column, value in where.items():
        part = part[part[column] == value]
    scores = (part["value"].astype(float) - 1) / 4 * 100
    person = scores.groupby(part["respondent_id"]).mean()
    return len(person), float(person.mean())


@pytest.fixture(scope="module")
def forum(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    return build_forum(tmp_path_factory.mktemp("forum"))


@pytest.fixture(scope="module")
def pub(forum) -> publish.Published:
    return publish.published(forum[0])


def _cell(pub, lib: str, period: str, measure="wellbeing", touchpoint="", side="staff"):
    c = pub.cells
    row = c[
        (c["library_key"] == lib.lower())
        & (c["period"] == period)
        & (c["side"] == side)
        & (c["measure"] == measure)
        & (c["touchpoint"] == touchpoint)
    ]
    assert len(row) == 1, (lib, period, measure, touchpoint)
    return row.iloc[0]


# --------------------------------------------------------------------------- threshold


def test_published_tables_never_carry_a_staff_figure_below_k(pub):
    for frame in (pub.cells, pub.branches):
        staff = frame[frame["side"] == "staff"] if "side" in frame else frame
        small = staff[staff["n"] < K]
        assert not small.empty  # the forum has small groups at both levels
        assert small["suppressed"].all()
        for column in publish.FIGURES:
            assert small[column].isna().all(), column
        hidden = staff[staff["suppressed"]]
        for column in publish.FIGURES:
            assert hidden[column].isna().all(), column
    assert not set(publish.analysis_cells(pub).query("side == 'staff'")["n"]) & set(range(K))


def test_summary_json_never_carries_a_hidden_staff_figure(forum, capsys, pub):
    assert cli.main(["summary", "--db", str(forum[0]), "--json"]) == 0
    records = json.loads(capsys.readouterr().out)
    hidden = {(r.library_key, r.period) for r in publish.excluded(pub).itertuples()}
    names = dict(zip(pub.grid["display_name"], pub.grid["library_key"], strict=True))
    seen_small = 0
    for r in records:
        if 0 < r["n_staff"] < K or (names[r["library"]], r["period"]) in hidden:
            seen_small += 1
            assert r["staff_index"] is None and r["enps"] is None, r
            assert r["suppressed_reason"]
    assert seen_small >= 2


def test_threshold_is_configurable_but_never_below_three():
    assert publish.k_from_settings({"k_staff": "2"}) == 3
    assert publish.k_from_settings({"k_staff": "8"}) == 8
    assert publish.k_from_settings({"k_staff": "x"}) == 5
    # comments: their own threshold, never below the staff one
    assert publish.k_comments_from_settings({"k_staff": "8", "k_comments": "4"}) == 8
    assert publish.k_comments_from_settings({"k_staff": "5", "k_comments": "12"}) == 12


# --------------------------------------------------------------------------- (a) branches


@pytest.mark.parametrize("lib, branch", [("Alfa", "Syd"), ("Beta", "Vest")])
def test_library_total_minus_visible_branches(forum, pub, lib, branch):
    _, rows = forum
    total = _cell(pub, lib, "2024")
    br = publish.branch_cells(pub, lib.lower())
    br = br[(br["period"] == "2024") & (br["measure"] == "wellbeing")]
    assert bool(br.loc[br["branch_name"] == branch, "suppressed"].iloc[0])
    visible = br[~br["suppressed"]]
    # the attack: library total minus every visible branch
    rest_n = total["n"] - visible["n"].sum()
    rest_mean = (total["n"] * total["mean"] - (visible["n"] * visible["mean"]).sum()) / rest_n
    n_true, mean_true = true_index(rows, library=lib, period="2024", branch=branch)
    # what is left over is a group of at least k people, never the hidden branch alone
    assert rest_n >= K and rest_n > n_true
    assert abs(rest_mean - mean_true) > 0.5, "the hidden branch was recovered by subtraction"


def test_a_hidden_branch_drags_the_next_smallest_with_it(pub):
    br = publish.branch_cells(pub, "alfa")
    br = br[(br["period"] == "2024") & (br["measure"] == "wellbeing")].set_index("branch_name")
    assert br.loc["Syd", "suppressed_rule"] == "k"
    assert br.loc["Nord", "suppressed_rule"] == "complementary"
    assert not br.loc["Hovedbiblioteket", "suppressed"]
    # Beta: Vest (3) plus the 2 staff without a branch already make 5 people in two groups
    beta = publish.branch_cells(pub, "beta").query("period == '2024' and measure == 'wellbeing'")
    assert beta.set_index("branch_name").loc["Centrum", "suppressed"] == False  # noqa: E712


@pytest.mark.parametrize(
    "parent, children, hidden, expect_hidden, expect_parent",
    [
        (16, [8, 6, 2], [0, 0, 1], {1}, False),  # 2 alone: hide the next smallest (6)
        (15, [10, 3], [0, 1], set(), False),  # 2 staff without a branch hide with the 3
        (15, [10, 4], [0, 1], set(), False),  # 4 hidden + 1 unassigned: 5 people, two groups
        (14, [10, 3], [0, 1], {0}, False),  # 3 + 1 unassigned = 4 < 5: the 10 must hide too
        (6, [3, 3], [1, 1], set(), False),  # both hidden, 6 >= 5 in two groups
        (7, [4], [1], set(), False),  # one hidden + 3 unassigned
        (4, [4], [1], set(), True),  # a single part equal to the total: hide the total
        (20, [10, 10], [0, 0], set(), False),  # nothing hidden, nothing to do
    ],
)
def test_complementary_rule_table(parent, children, hidden, expect_hidden, expect_parent):
    kids = pd.Series(children, dtype=float)
    add, hide_parent = publish.complete_group(parent, kids, pd.Series(hidden, dtype=bool), K)
    assert add == expect_hidden
    assert hide_parent == expect_parent


# --------------------------------------------------------------------------- (b) periods


def test_all_periods_minus_visible_periods(forum, pub):
    _, rows = forum
    assert bool(_cell(pub, "Gamma", "2023")["suppressed"])
    every = publish.all_periods(pub).set_index("library_key").loc["gamma"]
    shown = _cell(pub, "Gamma", "2024")
    # the attack: all periods minus the visible period leaves the hidden 2023 ... if it was in
    rest_n = every["n"] - shown["n"]
    rest_sum = every["n"] * every["mean"] - shown["n"] * shown["mean"]
    assert rest_n == 0 and abs(rest_sum) < 1e-6, "the all-periods figure still holds 2023"
    assert every["periods_left_out"] == 1
    # the battery's library point for Gamma is the visible period only
    result = hypothesis.analyze(forum[0])
    pairs = {p["library"]: p["periods"] for p in result["pairs"]}
    assert pairs["gamma"] == ["2024"]
    assert any(e["library"] == "gamma" for e in result["excluded_periods"])


# --------------------------------------------------------------------------- (c) touchpoints


def test_overall_minus_visible_services(forum, pub):
    _, rows = forum
    web = _cell(pub, "Delta", "2024", "satisfaction", "web")
    assert web["suppressed"] and web["suppressed_rule"] == "k"
    counter = _cell(pub, "Delta", "2024", "satisfaction", "counter")
    overall = _cell(pub, "Delta", "2024", "satisfaction", "")
    assert counter["suppressed"], "the counter must hide with web: nothing else covers web"
    # the attack on what is left: overall minus every visible service figure
    n_web, mean_web = true_index(
        rows, "staff_service", library="Delta", period="2024", touchpoint="web"
    )
    if not overall["suppressed"]:
        assert overall["n"] >= K
        assert abs(overall["mean"] - mean_web) > 0.5


def test_services_partition_exactly():
    """A staff measure whose overall cell is exactly the sum of its services (synthetic cells)."""
    cells = pd.DataFrame(
        {
            "library_key": "x",
            "period": "2024",
            "side": "staff",
            "measure": "satisfaction",
            "touchpoint": ["", "counter", "web", "home"],
            "n": [15, 8, 5, 2],
            "mean": [60.0, 70.0, 40.0, 65.0],
            "sd": 10.0,
            "ss_within": 100.0,
            "promoters": np.nan,
            "detractors": np.nan,
        }
    )
    branches = pd.DataFrame(columns=[*cells.columns, "branch_key"])
    out, _ = publish.protect(cells, branches, K)
    out = out.set_index("touchpoint")
    assert out.loc["home", "suppressed"] and out.loc["web", "suppressed"]
    assert not out.loc["counter", "suppressed"] and not out.loc["", "suppressed"]
    # attack: overall minus counter = web and home together (7 people), not home
    rest = (15 * out.loc["", "mean"] - 8 * out.loc["counter", "mean"]) / 7
    assert abs(rest - 65.0) > 0.5


# --------------------------------------------------------------------------- (d) forum total


def test_forum_total_minus_the_other_libraries(pub):
    totals = publish.forum_totals(pub).set_index("period").loc["2023"]
    visible = publish.analysis_cells(pub).query("side == 'staff' and period == '2023'")
    assert "gamma" not in set(visible["library"])
    rest_n = totals["n"] - visible["n"].sum()
    rest_sum = totals["n"] * totals["mean"] - (visible["n"] * visible["mean"]).sum()
    assert rest_n == 0 and abs(rest_sum) < 1e-6, "the forum total still holds Gamma 2023"
    assert totals["libraries_left_out"] == 1
    assert totals["n_libraries"] == len(visible)


# --------------------------------------------------------------------------- (e) statistics


@pytest.fixture(scope="module")
def two_forums(tmp_path_factory):
    """Two forums that differ ONLY in the answers of the hidden library-periods (all 1s vs 5s)."""
    low = build_forum(tmp_path_factory.mktemp("low"), hidden_value=1)
    high = build_forum(tmp_path_factory.mktemp("high"), hidden_value=5)
    return low, high


def _solve_missing_x(points: pd.DataFrame, y_missing: float, r_target: float) -> list[float]:
    """Every staff value x (searched in -50..150, around the 0-100 scale) that, added as one more
    point, gives Pearson r_target."""

    def gap(x):
        xs = np.append(points["staff_mean"].to_numpy(), x)
        ys = np.append(points["patron_mean"].to_numpy(), y_missing)
        return stats.pearsonr(xs, ys).statistic - r_target

    grid = np.linspace(-50.0, 150.0, 801)
    values = [gap(x) for x in grid]
    roots = []
    for a, b, fa, fb in zip(grid[:-1], grid[1:], values[:-1], values[1:], strict=True):
        if fa == 0 or fa * fb < 0:
            roots.append(optimize.brentq(gap, a, b) if fa * fb < 0 else a)
    return roots


def test_published_r_and_slope_do_not_depend_on_a_hidden_library(two_forums):
    (low_db, low_rows), (high_db, high_rows) = two_forums
    low, high = hypothesis.analyze(low_db), hypothesis.analyze(high_db)
    for part, key in [
        ("library_level", "pearson_r"),
        ("library_level", "spearman_rho"),
        ("multilevel", "slope"),
    ]:
        assert low[part][key] == pytest.approx(high[part][key], abs=1e-12), (part, key)
    for result in (low, high):
        assert "theta" not in {p["library"] for p in result["pairs"]}
        assert "theta" in {e["library"] for e in result["excluded"]}


def test_solving_r_for_the_hidden_library_fails(two_forums):
    """The attack: published r + the 7 visible points, solve for Theta's staff index.

    On a NAIVE r that included Theta the solve finds Theta's true value (the attack is real);
    on the published r the solutions are the same whatever Theta's staff answered (all 1s or all
    5s), so they cannot be its value.
    """
    solved = []
    for db_path, rows in two_forums:
        pub = publish.published(db_path)
        cells = publish.analysis_cells(pub)
        staff = cells[(cells["side"] == "staff")].groupby("library")["mean"].mean()
        patron = cells[(cells["side"] == "patron") & cells["touchpoint"].isna()]
        patron = patron.groupby("library")["mean"].mean()
        result = hypothesis.analyze(db_path)
        libs = [p["library"] for p in result["pairs"]]
        points = pd.DataFrame(
            {
                "staff_mean": [
                    cells[(cells.library == lib) & (cells.side == "staff")]
                    .set_index("period")
                    .loc[periods, "mean"]
                    .mean()
                    for lib, periods in ((p["library"], p["periods"]) for p in result["pairs"])
                ],
                "patron_mean": [
                    cells[
                        (cells.library == lib) & (cells.side == "patron") & cells.touchpoint.isna()
                    ]
                    .set_index("period")
                    .loc[periods, "mean"]
                    .mean()
                    for lib, periods in ((p["library"], p["periods"]) for p in result["pairs"])
                ],
            },
            index=libs,
        )
        assert "theta" not in staff.index
        y_theta = float(patron["theta"])
        _, x_true = true_index(rows, library="Theta", period="2024")
        r_pub = result["library_level"]["pearson_r"]
        assert r_pub == pytest.approx(
            stats.pearsonr(points["staff_mean"], points["patron_mean"]).statistic
        )
        # the naive statistic a careless tool would publish: Theta included
        naive = stats.pearsonr(
            np.append(points["staff_mean"], x_true), np.append(points["patron_mean"], y_theta)
        ).statistic
        assert any(abs(x - x_true) < 1e-6 for x in _solve_missing_x(points, y_theta, naive)), (
            "the attack should work on a naive r (else this test proves nothing)"
        )
        roots = _solve_missing_x(points, y_theta, r_pub)
        assert all(abs(x - x_true) > 0.5 for x in roots), "Theta solved from the published r"
        solved.append((x_true, roots))
    assert solved[0][0] != solved[1][0]  # Theta's true value differs between the two forums
    assert solved[0][1] == pytest.approx(solved[1][1])  # the solve does not see the difference


def test_every_published_output_is_blind_to_hidden_groups(two_forums, capsys):
    """summary --json, analyze --json, forum and all-period figures, items: byte-identical."""
    outputs = []
    for db_path, _ in two_forums:
        pub = publish.published(db_path)
        assert cli.main(["summary", "--db", str(db_path), "--json"]) == 0
        summary = capsys.readouterr().out
        assert cli.main(["analyze", "--db", str(db_path), "--json"]) == 0
        analyze = json.loads(capsys.readouterr().out)
        figures = {
            "forum": publish.forum_totals(pub).to_json(),
            "forum_enps": publish.forum_totals(pub, measure="enps").to_json(),
            "periods": publish.all_periods(pub).to_json(),
            "cells": publish.analysis_cells(pub).to_json(),
            "excluded": publish.excluded(pub, None).to_json(),
        }
        outputs.append((summary, analyze, figures))
    (s1, a1, f1), (s2, a2, f2) = outputs
    assert s1 == s2
    assert f1 == f2
    for key in a1:
        if key in ("power",):
            continue  # computed from J and n only, but compared below anyway
        assert json.dumps(a1[key], sort_keys=True, default=str) == json.dumps(
            a2[key], sort_keys=True, default=str
        ), key
    assert a1["power"] == a2["power"]


def test_items_cannot_rebuild_a_hidden_cell(forum, pub):
    with db.reading(forum[0]) as con:
        from servicemirror import queries

        dist = queries.run(con, "item_distribution", library_key="gamma")
    shown = publish.visible_items(pub, dist)
    assert not shown.query("side == 'staff' and period == '2023'").shape[0]
    assert shown.query("side == 'staff' and period == '2024'").shape[0]
