"""The attack suite: every pair of released figures that share a group is differenced.

What leaves an installation (pages, CLI, report, exports, forum packages) is derived from the
published cells (servicemirror.privacy.publish) and the package tables (servicemirror.app.forum). An attacker
who holds two released figures about the same quantity, one over a group of staff and one over a
part of that group, subtracts ``n * mean`` of the part from ``n * mean`` of the whole and learns the
sum over the complement. The rule (docs/privacy.md): no complement may hold 1..k-1 staff
respondents while both figures are released. The pairs tried here, for every library-period:

- forum package: items vs covariances (one item over its answerers vs over complete
  respondents), construct vs item and construct vs covariances (the cell's respondents vs an
  item's answerers or the complete respondents; a respondent's score is the mean of their items,
  so the item sums and the cell's sum differ by the incomplete respondents' answers);
- library vs its visible branches, overall vs its visible services;
- one period vs the all-periods figure, the forum total vs the other libraries;
- each published r, slope or median against the visible points (they must be computed from
  exactly the visible points, so the published figure minus the points gives nothing).

Segments (user type, channel, ...) are patron figures and carry no staff answer, so they have no
staff complement to check. The suite runs on the demo and on randomised forums (hypothesis).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import LONG_KEYS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicemirror import queries
from servicemirror.app import forum, hypothesis
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.privacy import publish


def _bad(complement: int, k: int) -> bool:
    return 0 < complement < k


def package_leaks(package: forum.Package, k: int) -> list[str]:
    """Differencing attacks within one forum package: one line per complement of 1..k-1 staff."""
    leaks = []
    cells = package.tables["cells"]
    items = package.tables["items"]
    cov = package.tables["item_covariances"]
    staff_items = items[items["side"] == "staff"].assign(
        measure=lambda d: d["construct"].where(d["construct"] != "touchpoint", "satisfaction")
    )
    staff_cells = cells[(cells["side"] == "staff")]
    for cell in staff_cells.itertuples(index=False):
        where = f"{cell.library_key} {cell.period} {cell.measure}/{cell.touchpoint or 'overall'}"
        mine = staff_items[
            (staff_items["period"] == cell.period)
            & (staff_items["measure"] == cell.measure)
            & (staff_items["touchpoint"] == cell.touchpoint)
        ]
        if pd.isna(cell.mean):
            # a hidden cell: nothing below it may carry a figure at all
            if len(mine):
                leaks.append(f"{where}: items of a hidden cell are released")
            continue
        if len(mine) and (mine["n"] < k).any():
            leaks.append(f"{where}: an item over fewer than {k} staff")
        by_rows = cell.source == "rows"  # vendor aggregates: the cell IS the mean of item means
        if by_rows:
            for n_item in mine["n"]:
                if _bad(int(cell.n) - int(n_item), k):
                    leaks.append(f"{where}: construct vs item leaves {cell.n - n_item} staff")
        if cell.measure != forum.SCALE or cell.touchpoint != "":
            continue
        own_cov = cov[cov["period"] == cell.period]
        if own_cov.empty:
            continue
        n_cov = int(own_cov["n"].iloc[0])
        if n_cov < k:
            leaks.append(f"{where}: covariances over fewer than {k} staff")
        if by_rows and _bad(int(cell.n) - n_cov, k):
            leaks.append(f"{where}: construct vs covariances leaves {cell.n - n_cov} staff")
        for item in mine.itertuples(index=False):
            if item.item_code in set(own_cov["item_i"]) and _bad(int(item.n) - n_cov, k):
                leaks.append(
                    f"{where}: items vs covariances leaves {item.n - n_cov} staff "
                    f"({item.item_code})"
                )
    leaks += comment_count_leaks(package, k)
    return leaks


def comment_count_leaks(package: forum.Package, k: int) -> list[str]:
    """Comment theme and tone counts are released figures too: staff counts only for
    a group of at least k whose staff cell is published, never split below the library-period
    (no touchpoint, no branch), and no theme count larger than its group's comments."""
    themes = package.tables.get("comment_themes")
    if themes is None or themes.empty:
        return []
    leaks = []
    cells = package.tables["cells"]
    shown = cells[(cells["side"] == "staff") & cells["mean"].notna()]
    visible = set(zip(shown["library_key"], shown["period"], strict=True))
    for row in themes.itertuples(index=False):
        where = f"{row.library_key} {row.period} {row.side} comments/{row.theme or 'all'}"
        if row.n_group < k:
            leaks.append(f"{where}: counts of a group of fewer than {k}")
        if row.side == "staff" and (row.library_key, row.period) not in visible:
            leaks.append(f"{where}: staff comment counts of a hidden staff cell")
        if row.positive + row.neutral + row.negative != row.n_comments:
            leaks.append(f"{where}: tone counts that do not add up to the comments")
    for (lib, period, side), group in themes.groupby(["library_key", "period", "side"]):
        everything = group[group["theme"] == ""]
        if len(everything) and (group["n_comments"] > int(everything["n_comments"].iloc[0])).any():
            leaks.append(f"{lib} {period} {side}: a theme count above the group's comments")
    return leaks


def published_leaks(db_path: Path, *, analysis: bool = True) -> list[str]:
    """Differencing attacks on the published cells and every figure derived from them."""
    pub = publish.published(db_path)
    k = pub.k
    leaks = []
    cells = pub.cells
    staff = cells[cells["side"] == "staff"]
    visible = staff[~staff["suppressed"] & staff["mean"].notna()]
    if (visible["n"] < k).any():
        leaks.append("a visible staff cell under k")
    # library vs its visible branches (the rest: hidden branches + staff with no branch)
    branches = pub.branches
    if not branches.empty:
        shown_b = branches[~branches["suppressed"] & branches["mean"].notna()]
        for (lib, per, measure), part in shown_b.groupby(["library_key", "period", "measure"]):
            parent = visible[
                (visible["library_key"] == lib)
                & (visible["period"] == per)
                & (visible["measure"] == measure)
                & (visible["touchpoint"] == "")
            ]
            if len(parent) and _bad(int(parent["n"].iloc[0]) - int(part["n"].sum()), k):
                leaks.append(f"{lib} {per} {measure}: library minus visible branches")
    # overall vs its visible services, where the services partition the overall cell
    services = visible[visible["touchpoint"] != ""]
    for (lib, per, measure), part in services.groupby(["library_key", "period", "measure"]):
        every = staff[
            (staff["library_key"] == lib)
            & (staff["period"] == per)
            & (staff["measure"] == measure)
            & (staff["touchpoint"] != "")
        ]
        parent = visible[
            (visible["library_key"] == lib)
            & (visible["period"] == per)
            & (visible["measure"] == measure)
            & (visible["touchpoint"] == "")
        ]
        if len(parent) and int(every["n"].sum()) == int(parent["n"].iloc[0]):
            if _bad(int(parent["n"].iloc[0]) - int(part["n"].sum()), k):
                leaks.append(f"{lib} {per} {measure}: overall minus visible services")
    for measure in publish.STAFF_OVERALL_MEASURES:
        shown = visible[(visible["measure"] == measure) & (visible["touchpoint"] == "")]
        # one period vs all periods
        for row in publish.all_periods(pub, "staff", measure).itertuples(index=False):
            own = shown[shown["library_key"] == row.library_key]
            if _bad(int(row.n) - int(own["n"].sum()), k) or int(row.n) != int(own["n"].sum()):
                leaks.append(f"{row.library_key} {measure}: all periods minus visible periods")
        # the forum total vs the other libraries, and its median vs the visible points
        for row in publish.forum_totals(pub, "staff", measure).itertuples(index=False):
            own = shown[shown["period"] == row.period]
            if int(row.n) != int(own["n"].sum()):
                leaks.append(f"{row.period} {measure}: forum total minus the libraries")
            if len(own) and not np.isclose(row.median, own["mean"].astype(float).median()):
                leaks.append(f"{row.period} {measure}: forum median not from the visible points")
    # construct vs item on the pages: an item's answer counts over its answerers vs the cell
    with db.reading(db_path) as con:
        dist = pd.concat(
            [
                queries.run(con, "item_distribution", library_key=key)
                for key in sorted(cells["library_key"].unique())
            ],
            ignore_index=True,
        )
    shown_items = publish.visible_items(pub, dist)
    shown_items = shown_items[shown_items["side"] == "staff"].drop_duplicates(
        ["library_key", "period", "item_code"]
    )
    for item in shown_items.itertuples(index=False):
        measure = "satisfaction" if item.construct == "touchpoint" else item.construct
        cell = visible[
            (visible["library_key"] == item.library_key)
            & (visible["period"] == item.period)
            & (visible["measure"] == measure)
            & (visible["touchpoint"] == "")
        ]
        if cell.empty:
            leaks.append(f"{item.library_key} {item.period}: items of a hidden cell are shown")
        elif _bad(int(cell["n"].iloc[0]) - int(item.n_item), k):
            leaks.append(
                f"{item.library_key} {item.period} {item.item_code}: construct vs item leaves "
                f"{int(cell['n'].iloc[0]) - int(item.n_item)} staff"
            )
    if not analysis:
        return leaks
    # each published r and slope against the visible points: its pairs are exactly those points
    result = hypothesis.analyze(db_path)
    points = publish.analysis_cells(pub)
    staff_points = set(
        zip(
            points.loc[points["side"] == "staff", "library"],
            points.loc[points["side"] == "staff", "period"],
            strict=True,
        )
    )
    used = {(p["library"], str(per)) for p in result["pairs"] for per in p["periods"]}
    if not used <= staff_points:
        leaks.append(f"r/slope use hidden points: {sorted(used - staff_points)}")
    hidden = set(zip(staff["library_key"], staff["period"], strict=True)) - staff_points
    if used & hidden:
        leaks.append("r/slope include a hidden library-period")
    return leaks


def all_leaks(db_path: Path, *, analysis: bool = True) -> list[str]:
    """Every leak the suite finds in a database: published figures and each library's package."""
    pub = publish.published(db_path)
    leaks = published_leaks(db_path, analysis=analysis)
    for library in forum.libraries_with_data(db_path):
        leaks += package_leaks(forum.collect(db_path, library=library), pub.k)
    return leaks


# --------------------------------------------------------------------------- the demo


def test_forum_package_items_minus_covariances_isolate_nobody(demo_db):
    """A leak found once: n*mean(items) - n*mean(covariances) was one person's answers in
    26 library-periods of the demo. Every package of the demo must now pass the pairs above."""
    pub = publish.published(demo_db)
    leaks = []
    released_cov = 0
    for library in forum.libraries_with_data(demo_db):
        package = forum.collect(demo_db, library=library)
        leaks += package_leaks(package, pub.k)
        released_cov += package.tables["item_covariances"]["period"].nunique()
    assert leaks == []
    # comment theme counts travel in the packages and were checked above
    assert any(
        len(forum.collect(demo_db, library=lib).tables.get("comment_themes", ())) > 0
        for lib in forum.libraries_with_data(demo_db)[:3]
    )
    # the forum's alpha still has groups to work with
    assert released_cov >= 10


def test_demo_releases_nothing_that_differences_to_under_k(demo_db):
    assert published_leaks(demo_db) == []


# --------------------------------------------------------------------------- randomised forums

COLUMNS = LONG_KEYS + ["branch", "touchpoint", "construct", "scale_min", "scale_max"]


@st.composite
def forums(draw):
    """A small forum: 3-4 libraries x 1-2 periods, branches of 1..9 staff, some skipped items."""
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n_libraries = draw(st.integers(3, 4))
    periods = ["2023", "2024"][: draw(st.integers(1, 2))]
    skip = draw(st.sampled_from([0.0, 0.05, 0.15]))
    rows = []
    for li in range(n_libraries):
        lib = f"Bibliotek {'ABCD'[li]}"  # a name, not a unit code such as AO01
        for period in periods:
            sizes = draw(st.lists(st.integers(1, 9), min_size=1, max_size=3))
            for bi, size in enumerate(sizes):
                branch = f"B{bi}" if len(sizes) > 1 else ""
                for s in range(size):
                    rid = f"{lib}-{period}-{bi}-{s}"
                    answers = np.clip(np.round(3 + rng.normal(0, 1, 5)), 1, 5).astype(int)
                    skipped = rng.random(5) < skip
                    if skipped.all():
                        skipped[0] = False
                    for w in range(5):
                        if not skipped[w]:
                            rows.append(
                                [lib, period, "staff", rid, f"core_w{w + 1}", answers[w], branch]
                                + ["", "", 1, 5]
                            )
                    enps = int(rng.integers(0, 11))
                    rows.append(
                        [lib, period, "staff", rid, "core_enps", enps, branch, ""] + ["", 0, 10]
                    )
            for p in range(8):
                value = int(np.clip(round(3 + rng.normal(0, 1)), 1, 5))
                rows.append(
                    [lib, period, "patron", f"{lib}-{period}-p{p}", "core_sat", value, "", ""]
                    + ["", 1, 5]
                )
    return pd.DataFrame(rows, columns=COLUMNS)


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=forums())
def test_randomised_forums_release_nothing_that_differences_to_under_k(rows, tmp_path_factory):
    folder = tmp_path_factory.mktemp("random_forum")
    path = folder / "forum.duckdb"
    for side, part in rows.groupby("respondent_type"):
        csv = folder / f"{side}.csv"
        part.to_csv(csv, index=False)
        report = load.load_file(path, csv, loaded_by="test")
        assert report.status == "loaded", report.message
    # r and slopes are checked on the demo; here the cells and packages (the battery is slow)
    assert all_leaks(path, analysis=False) == []


@pytest.mark.parametrize("complement", [1, 2, 4])
def test_the_checker_finds_a_planted_leak(complement):
    """The checker itself: a package whose items cover `complement` more staff than its
    covariances is reported (so a green suite means something)."""
    k = 5
    cells = pd.DataFrame(
        [["L", "2024", "staff", "wellbeing", "", 20, 60.0, "rows"]],
        columns=["library_key", "period", "side", "measure", "touchpoint", "n", "mean", "source"],
    )
    items = pd.DataFrame(
        [["L", "2024", "staff", "", "core_w1", "wellbeing", 20 - 0, 3.0]],
        columns=[
            "library_key",
            "period",
            "side",
            "touchpoint",
            "item_code",
            "construct",
            "n",
            "mean",
        ],
    )
    cov = pd.DataFrame(
        [
            ["L", "2024", "wellbeing", 20 - complement, complement, a, b, 3.0, 3.0, 1.0]
            for a, b in itertools.combinations_with_replacement(["core_w1"], 2)
        ],
        columns=[
            "library_key",
            "period",
            "scale",
            "n",
            "n_incomplete",
            "item_i",
            "item_j",
            "mean_i",
            "mean_j",
            "cov",
        ],
    )
    package = forum.Package({}, {"cells": cells, "items": items, "item_covariances": cov})
    leaks = package_leaks(package, k)
    assert any("items vs covariances" in leak for leak in leaks)
    assert any("construct vs covariances" in leak for leak in leaks)


def test_the_forum_refuses_a_package_whose_items_and_covariances_differ(tmp_path):
    """A package from an installation without the fix (items over all answerers, covariances over
    complete respondents, 1 incomplete) is refused on the forum, before anything is stored."""
    from conftest import write_small_forum

    from servicemirror.etl.readers import forum_package as fmt
    from servicemirror.etl.readers.base import ReadError

    path = tmp_path / "lib.duckdb"
    for file in write_small_forum(tmp_path / "files"):
        load.load_file(path, file, loaded_by="test")
    package = forum.collect(path, library="alfa")
    tables = dict(package.tables)
    assert not tables["item_covariances"].empty
    period = tables["item_covariances"]["period"].iloc[0]
    cov = tables["item_covariances"].copy()
    cov.loc[cov["period"] == period, "n_incomplete"] = 1
    with pytest.raises(ReadError, match="1 to 4 incomplete"):
        fmt._check_content(package.manifest, tables | {"item_covariances": cov}, "old.zip")
    items = tables["items"].copy()
    mask = (
        (items["side"] == "staff")
        & (items["period"] == period)
        & items["item_code"].isin(set(cov["item_i"]))
    )
    items.loc[mask, "n"] = items.loc[mask, "n"] + 1
    with pytest.raises(ReadError, match="cover different respondents"):
        fmt._check_content(package.manifest, tables | {"items": items}, "old.zip")


def test_the_checker_finds_planted_comment_count_leaks(demo_db):
    """The comment part of the checker fails on a small staff group and on a hidden staff cell."""
    pub = publish.published(demo_db)
    package = forum.collect(demo_db, library=forum.libraries_with_data(demo_db)[0])
    themes = package.tables["comment_themes"]
    assert comment_count_leaks(package, pub.k) == []
    small = themes.copy()
    small.loc[small.index[0], "n_group"] = pub.k - 1
    package.tables["comment_themes"] = small
    assert any("fewer than" in leak for leak in comment_count_leaks(package, pub.k))
    hidden = themes.iloc[:1].assign(side="staff", period="1999")
    package.tables["comment_themes"] = pd.concat([themes, hidden], ignore_index=True)
    assert any("hidden staff cell" in leak for leak in comment_count_leaks(package, pub.k))
