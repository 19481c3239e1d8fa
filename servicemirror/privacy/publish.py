"""The one privacy layer: the table of cells that may be shown, built once per data version.

Every output (pages, CLI, reports, exports, forum packages) reads cells from here and never from
the raw tables, so the anonymity rule is applied in one place (the
rules in plain words are in docs/privacy.md):

1. **Threshold.** A staff cell (library or branch level) with fewer than k respondents shows no
   figure (k from settings ``k_staff``, default 5, never below 3); its count stays so a manager
   knows why. Patron comments have their own, higher threshold (``k_comments``).
2. **Complementary suppression, solved once.** Where published cells add up to a published
   total, a hidden part must not be recoverable by subtraction. Two such hierarchies exist:
   the branches of a library (parent = the library cell, children = its branch cells) and the
   services a staff measure is broken down by (parent = the overall cell, children = the
   touchpoint cells). Within one library x period x measure, if any child is hidden, the part of
   the parent not covered by visible children must hold at least k respondents AND consist of at
   least two groups (two hidden children, or one hidden child plus the staff with no branch);
   otherwise the next smallest visible child is hidden too, and if none is left the parent is
   hidden. A hidden parent hides all its children, so it cannot be rebuilt from them either.
3. **Derived figures only from visible cells.** Every figure over several cells (all periods of
   a library, the forum across libraries, r, slopes, medians) is computed from the visible cells
   only (:func:`all_periods`, :func:`forum_totals`, :func:`analysis_cells`); subtracting the
   visible parts from such a figure gives nothing. A library-period whose staff cell is hidden is
   therefore left out of every published statistic, and :func:`excluded` says which and why.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror import queries
from servicemirror.core import cache, db
from servicemirror.core.config import K_MINIMUM, SETTING_DEFAULTS

FIGURES = ["mean", "sd", "ss_within", "promoters", "detractors"]
STAFF_OVERALL_MEASURES = ("wellbeing", "engagement", "enps")

# why a staff cell is hidden: the rule (machine-readable) and the sentence shown to people
RULE_K = "k"
RULE_COMPLEMENTARY = "complementary"
RULE_PARENT = "parent_hidden"


def _reason(rule: str, k: int, level: str) -> str:
    if rule == RULE_K:
        return f"fewer than {k} staff respondents"
    if rule == RULE_COMPLEMENTARY:
        other = "branch" if level == "branch" else "service"
        return (
            f"hidden together with a smaller {other} so that it cannot be worked out by "
            "subtraction from the total"
        )
    return "the total it belongs to is hidden"


@dataclass(frozen=True)
class Published:
    """The publishable view of one data version.

    ``cells``: cells.sql columns + suppressed (bool), suppressed_reason (text or None),
    suppressed_rule ('k' | 'complementary' | 'parent_hidden' | None).
    ``branches``: staff_branch_cells.sql columns + the same three columns.
    ``excluded``: library_key, period, measure, touchpoint, rule, reason: every library-level
    staff cell that is hidden, i.e. every library-period left out of the published statistics.
    """

    data_version: int
    k: int
    cells: pd.DataFrame
    grid: pd.DataFrame  # library_key, display_name, consent_named, period
    settings: dict[str, str]
    branches: pd.DataFrame = field(default_factory=pd.DataFrame)
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    k_comments: int = 10


def k_from_settings(settings: dict[str, str]) -> int:
    """The staff anonymity threshold, never below K_MINIMUM."""
    value = settings.get("k_staff", SETTING_DEFAULTS["k_staff"])
    return max(K_MINIMUM, int(value)) if str(value).isdigit() else int(SETTING_DEFAULTS["k_staff"])


def _blank(out: pd.DataFrame, hidden: pd.Series, rule: str, k: int, level: str) -> None:
    """Mark ``hidden`` rows (not yet marked) with ``rule`` and blank their figures, in place."""
    new = hidden & ~out["suppressed"]
    if not new.any():
        return
    out.loc[new, "suppressed"] = True
    out.loc[new, "suppressed_rule"] = rule
    out.loc[new, "suppressed_reason"] = _reason(rule, k, level)
    for col in FIGURES:
        if col in out.columns:
            out[col] = out[col].astype("float64").where(~new, np.nan)


def suppress(cells: pd.DataFrame, k: int, level: str = "library") -> pd.DataFrame:
    """Primary suppression only: blank every staff figure of a cell with fewer than k respondents.

    Patron cells are not suppressed by k (patrons are anonymous survey respondents, not a small
    identifiable team); their comments have their own threshold (``k_comments``).
    Adds suppressed (bool), suppressed_reason and suppressed_rule. :func:`protect` adds the
    complementary suppression on top; :func:`build` uses that.
    """
    out = cells.copy()
    if "side" not in out.columns:
        out["side"] = "staff"
    out["suppressed"] = False
    out["suppressed_reason"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    out["suppressed_rule"] = pd.Series([None] * len(out), index=out.index, dtype="object")
    _blank(out, (out["side"] == "staff") & (out["n"] < k), RULE_K, k, level)
    return out


def complete_group(parent_n: float, children_n: pd.Series, hidden: pd.Series, k: int):
    """Complementary suppression for one total and its parts.

    ``children_n`` and ``hidden`` are indexed alike. The unpublished part of the total is the
    hidden children plus the rest no child covers (``parent_n`` minus all children, e.g. staff
    with no branch). It must hold at least k respondents and at least two groups, else one group
    could be read off as total minus visible parts. Hides the next smallest visible child until
    that holds; when no visible child is left, the parent must be hidden.

    Returns (set of child indices to hide in addition, whether to hide the parent).
    """
    hidden = hidden.astype(bool).copy()
    rest = max(0.0, float(parent_n) - float(children_n.sum()))
    added: set = set()
    while hidden.any():
        unpublished = float(children_n[hidden].sum()) + rest
        groups = int(hidden.sum()) + (1 if rest > 0 else 0)
        if unpublished >= k and groups >= 2:
            return added, False
        visible = children_n[~hidden]
        if visible.empty:
            return added, True
        # the smallest visible child costs the least information; ties by order (stable)
        nxt = visible.sort_values(kind="stable").index[0]
        hidden[nxt] = True
        added.add(nxt)
    return added, False


def protect(
    cells: pd.DataFrame, branches: pd.DataFrame, k: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Primary and complementary suppression of library cells and branch cells together.

    Solves rule 2 of the module docstring to a fixed point over both hierarchies (branches of a
    library; services of a staff measure). Returns (cells, branches), each with suppressed,
    suppressed_reason and suppressed_rule.
    """
    cells = suppress(cells, k, "library")
    branches = suppress(branches, k, "branch")
    staff = cells["side"] == "staff"
    keys = ["library_key", "period", "measure"]
    # The total of each library x period x measure (its first overall staff cell), looked up
    # once: a scan of all cells per group took 6 of 10 s at national scale.
    overall = cells[staff & (cells["touchpoint"] == "")]
    parent_of: dict[tuple, object] = {}
    for idx, key in zip(
        overall.index, overall[keys].itertuples(index=False, name=None), strict=True
    ):
        parent_of.setdefault(key, idx)
    # services (touchpoint cells) under a staff measure's overall cell; branches under the
    # library's overall cell. Group membership never changes, only the suppressed flags.
    hierarchies = [
        (
            cells,
            [(key, g.index) for key, g in cells[staff & (cells["touchpoint"] != "")].groupby(keys)],
            "service",
        ),
        (branches, [(key, g.index) for key, g in branches.groupby(keys)], "branch"),
    ]
    for _ in range(50):  # each pass only hides more; a handful of passes reach the fixed point
        changed = False
        for kids, groups, level in hierarchies:
            for key, children in groups:
                parent = parent_of.get(key)
                if parent is None:
                    continue  # no total to subtract from
                # with the total shown and no part hidden there is nothing to solve (_resolve
                # would change nothing): skip it without building the group's Series
                if (
                    not cells.at[parent, "suppressed"]
                    and not kids.loc[children, "suppressed"].any()
                ):
                    continue
                changed |= _resolve(cells, parent, kids, children, k, level)
        if not changed:
            break
    return cells, branches


def _resolve(parents: pd.DataFrame, p_idx, kids: pd.DataFrame, k_idx, k: int, level: str) -> bool:
    """Apply complete_group to one total and its parts in place; True when anything was hidden."""
    before = int(parents["suppressed"].sum()) + int(kids["suppressed"].sum())
    if bool(parents.at[p_idx, "suppressed"]):
        mask = kids.index.isin(k_idx)
        _blank(kids, pd.Series(mask, index=kids.index), RULE_PARENT, k, level)
    else:
        add, hide_parent = complete_group(
            parents.at[p_idx, "n"], kids.loc[k_idx, "n"], kids.loc[k_idx, "suppressed"], k
        )
        if add:
            mask = kids.index.isin(list(add))
            _blank(kids, pd.Series(mask, index=kids.index), RULE_COMPLEMENTARY, k, level)
        if hide_parent:
            mask = parents.index == p_idx
            _blank(parents, pd.Series(mask, index=parents.index), RULE_COMPLEMENTARY, k, "library")
    return int(parents["suppressed"].sum()) + int(kids["suppressed"].sum()) != before


def _excluded_table(cells: pd.DataFrame) -> pd.DataFrame:
    hidden = cells[(cells["side"] == "staff") & cells["suppressed"]]
    cols = ["library_key", "period", "measure", "touchpoint", "rule", "reason"]
    out = hidden.rename(columns={"suppressed_rule": "rule", "suppressed_reason": "reason"})
    return out[cols].reset_index(drop=True)


def from_rows(
    con, k: int, libraries: list[str] | None = None, periods: list[str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(cells, branches) built from the rows with all suppression applied (rules 1 and 2).

    ``libraries``/``periods`` narrow it to those libraries in those periods (None = all). Every
    suppression group lies inside one library x period x measure, so a slice is suppressed
    exactly as it is inside the whole table.
    """
    scope = {"libraries": libraries, "periods": periods}
    return protect(cell_rows(con, **scope), queries.run(con, "staff_branch_cells", **scope), k)


def cell_rows(con, libraries: list[str] | None = None, periods: list[str] | None = None):
    """``queries/cells.sql`` over the rows (every cell, or these libraries' / periods'), before
    suppression: the one way it is run. The respondents are the hash table of its answers join,
    not the answers (queries/join_sides_as_written.sql): half the time of a national rebuild."""
    queries.execute(con, "join_sides_as_written")
    try:
        return queries.run(con, "cells", libraries=libraries, periods=periods)
    finally:
        queries.execute(con, "join_sides_by_estimate")


def stored(con, k: int, version: int) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(cells, branches) from the stored published cells (migrate_10.sql), or None when they are
    not those of data version ``version`` and threshold ``k`` (a write that did not refresh them,
    a database migrated and not written since, another k asked for)."""
    if not stored_current(con, k, version):
        return None
    return queries.run(con, "published_cells_all"), queries.run(con, "published_branch_cells_all")


def stored_current(con, k: int, version: int) -> bool:
    """Whether the stored published cells are those of data version ``version`` and ``k``."""
    state = queries.run(con, "published_state_get")
    return (
        len(state) == 1
        and int(state["data_version"].iloc[0]) == version
        and int(state["k"].iloc[0]) == k
    )


def build(con, settings: dict[str, str] | None = None) -> Published:
    """Read the settings and the published cells through ``con`` (rules 1 and 2).

    The cells come from the stored table every write keeps current (a few thousand rows); only
    when it is not current for this data version and k are they built from the rows.
    """
    stored_settings = dict(queries.run(con, "settings_all").itertuples(index=False))
    settings = dict(SETTING_DEFAULTS) | stored_settings | (settings or {})
    k = k_from_settings(settings)
    version = int(queries.scalar(con, "meta_get", key="data_version") or 0)
    cells, branches = stored(con, k, version) or from_rows(con, k)
    grid = queries.run(con, "library_periods")
    return Published(
        data_version=version,
        k=k,
        cells=cells,
        grid=grid,
        settings=settings,
        branches=branches,
        excluded=_excluded_table(cells),
        k_comments=k_comments_from_settings(settings),
    )


def published(db_path: Path) -> Published:
    """The published view of the database at its current data version (the one cache)."""

    def build_now() -> Published:
        with db.reading(db_path) as con:
            return build(con)

    return cache.cached(db_path, "published", build_now)


def overall(cells: pd.DataFrame, side: str, measure: str) -> pd.DataFrame:
    """The overall (no touchpoint) cells of one side and measure."""
    mask = (cells["side"] == side) & (cells["measure"] == measure) & (cells["touchpoint"] == "")
    return cells[mask]


def summary(pub: Published) -> pd.DataFrame:
    """One row per library x period: the `summary --json` fields.

    Columns: library, library_key, period, n_staff, staff_index, enps, n_patron, patron_index,
    nps, suppressed_reason.
    """
    grid = pub.grid.rename(columns={"display_name": "library"})
    parts = {
        ("staff", "wellbeing"): ("n_staff", "staff_index"),
        ("staff", "enps"): ("n_enps", "enps"),
        ("patron", "satisfaction"): ("n_patron", "patron_index"),
        ("patron", "nps"): ("n_nps", "nps"),
    }
    out = grid[["library", "library_key", "period"]].copy()
    for (side, measure), (n_col, value_col) in parts.items():
        cells = overall(pub.cells, side, measure)[
            ["library_key", "period", "n", "mean", "suppressed_reason"]
        ]
        cells = cells.rename(
            columns={"n": n_col, "mean": value_col, "suppressed_reason": f"_r_{value_col}"}
        )
        out = out.merge(cells, on=["library_key", "period"], how="left")
    labelled = [
        out["_r_staff_index"].map(lambda r: f"staff index: {r}" if isinstance(r, str) else None),
        out["_r_enps"].map(lambda r: f"eNPS: {r}" if isinstance(r, str) else None),
    ]
    out["suppressed_reason"] = [
        "; ".join(p for p in parts if isinstance(p, str)) or None
        for parts in zip(*labelled, strict=True)
    ]
    for col in ("n_staff", "n_patron"):
        out[col] = out[col].fillna(0).astype(int)
    out = out.drop(
        columns=[c for c in out.columns if c.startswith("_r_") or c in ("n_enps", "n_nps")]
    )
    return out[
        [
            "library",
            "library_key",
            "period",
            "n_staff",
            "staff_index",
            "enps",
            "n_patron",
            "patron_index",
            "nps",
            "suppressed_reason",
        ]
    ]


def k_comments_from_settings(settings: dict[str, str]) -> int:
    """The comments threshold: ``k_comments`` from settings, never below the staff threshold."""
    value = settings.get("k_comments", SETTING_DEFAULTS["k_comments"])
    k = k_from_settings(settings)
    return (
        max(k, int(value)) if str(value).isdigit() else max(k, int(SETTING_DEFAULTS["k_comments"]))
    )


def visible_items(pub: Published, distribution: pd.DataFrame) -> pd.DataFrame:
    """Keep only item answer counts that may be shown (``item_distribution.sql`` rows).

    A staff item's distribution is kept only when the library x period cell of the item's own
    measure is published (so items cannot rebuild a cell hidden by the threshold or by
    complementary suppression; items of a construct without a cell need the wellbeing cell) and
    at least k staff answered that very item. Patron rows are kept as they are.

    Construct vs item: a respondent's score is the mean of the items they answered, so the
    cell's n * mean minus the items' sums (over m items) is sum((1 - j_r / m) * score_r) over the
    respondents r who skipped some items (answered j_r < m): with one such respondent, that is
    their score. So a staff group's items are shown only when, for every item, the cell's
    respondents who did not answer it are none or at least k (then the incomplete respondents
    are none or at least k too).
    """
    is_staff = (distribution["side"] == "staff").to_numpy(bool)
    if not is_staff.any():
        # patron rows are kept as they are: no look-up in the cells at all (the Library page's
        # patron bars, the common case)
        return distribution.reset_index(drop=True)
    # numpy masks over the (thousands of) cells, not pandas ones: this runs on every page
    # view of a library's items and a few dozen rows come out
    cells = pub.cells
    mask = (
        (cells["side"].to_numpy() == "staff")
        & (cells["touchpoint"].to_numpy() == "")
        & np.isin(cells["library_key"].to_numpy(), distribution["library_key"].unique())
    )
    staff = cells.loc[mask, ["library_key", "period", "measure", "suppressed", "n"]]
    status = {
        (lib, per, measure): (not bool(hidden), int(n))
        for lib, per, measure, hidden, n in zip(
            staff["library_key"],
            staff["period"],
            staff["measure"],
            staff["suppressed"],
            staff["n"],
            strict=True,
        )
    }
    group_ok, cell_n, group_key = [], [], []
    constructs = (
        distribution["construct"]
        if "construct" in distribution
        else pd.Series("wellbeing", index=distribution.index)
    )
    for lib, per, construct in zip(
        distribution["library_key"], distribution["period"], constructs, strict=True
    ):
        measure = "satisfaction" if construct == "touchpoint" else construct
        key = (lib, per, measure)
        shown = status.get(key)
        if shown is None:
            key = (lib, per, "wellbeing")
            shown = status.get(key, (False, 0))
        group_ok.append(shown[0])
        cell_n.append(shown[1])
        group_key.append(key)
    n_item = distribution["n_item"].to_numpy(float)
    complement = np.asarray(cell_n, dtype=float) - n_item
    short = is_staff & (complement > 0) & (complement < pub.k)
    short_groups = {key for key, bad in zip(group_key, short, strict=True) if bad}
    differs = np.array([key in short_groups for key in group_key], dtype=bool)
    keep = ~is_staff | (np.asarray(group_ok, dtype=bool) & (n_item >= pub.k) & ~differs)
    return distribution[keep].reset_index(drop=True)


# --------------------------------------------------------------------------- derived figures


def branch_cells(pub: Published, library_key: str | None = None) -> pd.DataFrame:
    """Published staff branch cells (hidden ones keep their row, without figures).

    Columns: library_key, branch_key, branch_name, period, measure, n, mean, sd, ss_within,
    promoters, detractors, source, suppressed, suppressed_reason, suppressed_rule.
    """
    frame = pub.branches
    if frame.empty:
        return frame
    if library_key is not None:
        frame = frame[frame["library_key"] == library_key]
    return frame.drop(columns=["side"], errors="ignore").reset_index(drop=True)


def all_periods(
    pub: Published, side: str = "staff", measure: str = "wellbeing", touchpoint: str = ""
) -> pd.DataFrame:
    """One figure per library over all its periods, from VISIBLE cells only (rule 3).

    A period whose cell is hidden contributes nothing (neither n nor mean), so "all periods"
    minus the visible periods leaves nothing to read. The mean is weighted by n.
    Columns: library_key, n, mean, periods_used, periods_left_out.
    """
    cells = pub.cells[
        (pub.cells["side"] == side)
        & (pub.cells["measure"] == measure)
        & (pub.cells["touchpoint"] == touchpoint)
    ]
    rows = []
    for lib, part in cells.groupby("library_key"):
        shown = part[~part["suppressed"] & part["mean"].notna()]
        n = int(shown["n"].sum())
        rows.append(
            {
                "library_key": lib,
                "n": n,
                "mean": float((shown["mean"] * shown["n"]).sum() / n) if n else np.nan,
                "periods_used": len(shown),
                "periods_left_out": len(part) - len(shown),
            }
        )
    cols = ["library_key", "n", "mean", "periods_used", "periods_left_out"]
    return pd.DataFrame(rows, columns=cols)


def forum_totals(
    pub: Published, side: str = "staff", measure: str = "wellbeing", touchpoint: str = ""
) -> pd.DataFrame:
    """The forum's figure per period across libraries, from VISIBLE library cells only (rule 3).

    A hidden library is not in n, mean, median or quartiles, so the forum total minus the other
    libraries gives nothing about it. ``mean`` is weighted by n (all respondents), ``median``,
    ``q1``, ``q3`` are over libraries. Columns: period, n_libraries, n, mean, median, q1, q3,
    libraries_left_out.
    """
    cells = pub.cells[
        (pub.cells["side"] == side)
        & (pub.cells["measure"] == measure)
        & (pub.cells["touchpoint"] == touchpoint)
    ]
    rows = []
    for per, part in cells.groupby("period"):
        shown = part[~part["suppressed"] & part["mean"].notna()]
        n = int(shown["n"].sum())
        values = shown["mean"].astype(float)
        rows.append(
            {
                "period": per,
                "n_libraries": len(shown),
                "n": n,
                "mean": float((values * shown["n"]).sum() / n) if n else np.nan,
                "median": float(values.median()) if len(shown) else np.nan,
                "q1": float(values.quantile(0.25)) if len(shown) else np.nan,
                "q3": float(values.quantile(0.75)) if len(shown) else np.nan,
                "libraries_left_out": len(part) - len(shown),
            }
        )
    cols = ["period", "n_libraries", "n", "mean", "median", "q1", "q3", "libraries_left_out"]
    return pd.DataFrame(rows, columns=cols)


def analysis_cells(
    pub: Published, staff_measure: str = "wellbeing", patron_measure: str = "satisfaction"
) -> pd.DataFrame:
    """The only cells a published statistic (r, slopes, forum medians, ICC) may use (rule 3).

    Staff: visible overall cells of ``staff_measure``; a library-period whose staff cell is
    hidden is simply absent (see :func:`excluded` for which and why). Patron: every cell of
    ``patron_measure`` (patron cells carry no staff information). Library keys, never names.

    Columns: library, period, side, n, mean, ss_within, touchpoint (None = overall), source,
    instrument.
    """
    c = pub.cells
    staff = c[
        (c["side"] == "staff")
        & (c["measure"] == staff_measure)
        & (c["touchpoint"] == "")
        & ~c["suppressed"]
    ]
    patron = c[(c["side"] == "patron") & (c["measure"] == patron_measure)]
    both = pd.concat([staff, patron], ignore_index=True)
    both = both[both["mean"].notna()]
    return statistic_columns(both)


def statistic_columns(cells: pd.DataFrame) -> pd.DataFrame:
    """Cells (with ``library_key``) in the columns every statistic takes: library, period, side,
    n, mean, ss_within, touchpoint (None = overall), source, instrument (None when absent)."""
    instrument = cells["instrument"] if "instrument" in cells.columns else None
    return pd.DataFrame(
        {
            "library": cells["library_key"].astype(str),
            "period": cells["period"].astype(str),
            "side": cells["side"],
            "n": cells["n"].astype(int),
            "mean": cells["mean"].astype(float),
            "ss_within": cells["ss_within"].astype(float),
            "touchpoint": cells["touchpoint"].where(cells["touchpoint"] != "", None),
            "source": cells["source"],
            "instrument": instrument,
        }
    ).reset_index(drop=True)


def excluded(pub: Published, measure: str | None = "wellbeing") -> pd.DataFrame:
    """Library-periods left out of the published statistics because a staff cell is hidden.

    ``measure`` None lists every hidden library-level staff cell (all measures and services).
    Columns: library_key, period, measure, touchpoint, rule ('k' | 'complementary' |
    'parent_hidden'), reason (a sentence).
    """
    frame = pub.excluded
    if frame.empty or measure is None:
        return frame.reset_index(drop=True)
    keep = (frame["measure"] == measure) & (frame["touchpoint"] == "")
    return frame[keep].reset_index(drop=True)


def pseudonym_letters(grid: pd.DataFrame, seed: int) -> dict[str, str]:
    """library_key -> letter (A, B, ... Z, AA, ...) for every library that did not consent to be named.

    The letters are shuffled by ``seed``, so a new seed (a new report, a restarted dashboard)
    gives a new assignment and a pseudonym cannot be learned across meetings. Consenting
    libraries get no letter: they are shown by name.
    """
    libraries = grid.drop_duplicates("library_key").sort_values("library_key")
    hidden = [r.library_key for r in libraries.itertuples() if not bool(r.consent_named)]
    random.Random(seed).shuffle(hidden)
    letters = {}
    for i, key in enumerate(hidden):
        text, j = "", i + 1
        while j:
            j, rest = divmod(j - 1, 26)
            text = chr(65 + rest) + text
        letters[key] = text
    return letters
