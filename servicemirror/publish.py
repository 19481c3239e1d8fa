"""The one privacy layer: the table of cells that may be shown, built once per data version.

Every output (pages, CLI, reports, exports, forum packages) reads cells from here and never from
the raw tables, so the anonymity rule is applied in one place (ARCHITECTURE.md, Privacy rules):
- a staff cell with fewer than k respondents shows no figure (k from settings, default 5, never
  below 3); its count is shown so the manager knows why;
- a hidden cell is left out of every statistic computed from the published table (library means
  over periods, forum totals, correlations, slopes), so it cannot be solved for.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror import db, queries
from servicemirror.config import K_MINIMUM, SETTING_DEFAULTS

FIGURES = ["mean", "sd", "ss_within", "promoters", "detractors"]


@dataclass(frozen=True)
class Published:
    """The publishable view of one data version."""

    data_version: int
    k: int
    cells: pd.DataFrame  # cells.sql columns + suppressed (bool) + suppressed_reason
    grid: pd.DataFrame  # library_key, display_name, consent_named, period
    settings: dict[str, str]


def k_from_settings(settings: dict[str, str]) -> int:
    """The staff anonymity threshold, never below K_MINIMUM."""
    value = settings.get("k_staff", SETTING_DEFAULTS["k_staff"])
    return max(K_MINIMUM, int(value)) if str(value).isdigit() else int(SETTING_DEFAULTS["k_staff"])


def suppress(cells: pd.DataFrame, k: int) -> pd.DataFrame:
    """Blank every staff figure of a cell with fewer than k respondents and say why.

    Patron cells are not suppressed by k (patrons are anonymous survey respondents, not a small
    identifiable team); their comments have their own threshold elsewhere.
    """
    out = cells.copy()
    hidden = (out["side"] == "staff") & (out["n"] < k)
    out["suppressed"] = hidden
    out["suppressed_reason"] = np.where(hidden, f"fewer than {k} staff respondents", None)
    for col in FIGURES:
        out[col] = out[col].astype("float64").where(~hidden, np.nan)
    return out


def build(con, settings: dict[str, str] | None = None) -> Published:
    """Read the cells and settings through ``con`` and apply suppression."""
    stored = dict(queries.run(con, "settings_all").itertuples(index=False))
    settings = dict(SETTING_DEFAULTS) | stored | (settings or {})
    k = k_from_settings(settings)
    cells = suppress(queries.run(con, "cells"), k)
    grid = queries.run(con, "library_periods")
    version = int(queries.scalar(con, "meta_get", key="data_version") or 0)
    return Published(version, k, cells, grid, settings)


_CACHE: dict[tuple[str, int], Published] = {}


def published(db_path: Path) -> Published:
    """The published view of the database at its current data version (cached per version)."""
    key = (str(Path(db_path).resolve()), db.data_version(db_path))
    if key not in _CACHE:
        with db.reading(db_path) as con:
            result = build(con)
        _CACHE.clear()  # one version at a time: older ones are never shown again
        _CACHE[key] = result
    return _CACHE[key]


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

    A staff distribution is kept only when the library x period staff group is published (some
    staff cell of it is not suppressed) and at least k staff answered that very item, so a
    distribution never describes fewer than k people. Patron rows are kept as they are.
    """
    staff = pub.cells[(pub.cells["side"] == "staff") & ~pub.cells["suppressed"]]
    shown = set(zip(staff["library_key"], staff["period"], strict=True))
    is_staff = distribution["side"] == "staff"
    group_ok = [
        (lib, per) in shown
        for lib, per in zip(distribution["library_key"], distribution["period"], strict=True)
    ]
    keep = ~is_staff | (
        pd.Series(group_ok, index=distribution.index) & (distribution["n_item"] >= pub.k)
    )
    return distribution[keep].reset_index(drop=True)


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
