"""What the product should find in a simulated forum, computed without a database: the observed and
published cells, the main estimates (quoted in ``data/demo/README.md``), and the realised truth as
Markdown.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from servicemirror.app.demo.model import to_index
from servicemirror.app.demo.world import _World


def observed_cells(world: _World, k: int = 5) -> pd.DataFrame:
    """Sample staff and patron indices per library-period as the product would compute them.

    Staff index: mean of the five wellbeing item means on 0-100 (cells with n < k left out);
    patron index: core_sat mean on 0-100.
    """
    staff = {
        (c.library, c.period): (
            float(to_index(np.nanmean(np.nanmean(c.items, axis=0)), 1, 5)),
            len(c.items),
        )
        for c in world.staff
    }
    rows = []
    for c in world.patrons:
        s_idx, n_s = staff.get((c.library, c.period), (np.nan, 0))
        rows.append(
            {
                "library": c.library,
                "period": c.period,
                "staff_index": s_idx if n_s >= k else np.nan,
                "n_staff": n_s,
                "patron_index": float(to_index(np.nanmean(c.sat), 1, 5)),
                "patron_satisfied": float(np.nanmean(c.sat[~np.isnan(c.sat)] >= 4)),
            }
        )
    return pd.DataFrame(rows)


def published_cells(world: _World, k: int = 5) -> pd.DataFrame:
    """The analysis cells the product would publish for ``world``, computed without a database.

    The exact equivalent of ``queries/cells.sql`` -> ``publish.suppress`` ->
    ``battery.analysis_cells`` for the two pre-declared analyses (staff wellbeing and the overall
    patron satisfaction; touchpoint cells are not built). Used by ``bench/demo_coverage.py`` to
    run hundreds of demo seeds without loading files; ``tests/test_demo_coverage.py`` checks it
    against a real :func:`build_demo` database to 1e-9.

    - Staff from rows: a person's score is the mean of their answered wellbeing items on 0-100;
      the cell mean is the unweighted mean over persons with at least one answer (not the mean of
      item means: the two differ when answers are missing), ``ss_within`` = sum of squared
      deviations of the person scores.
    - Staff from vendor aggregates: each item mean as written in the file (2 decimals), rescaled,
      averaged over the five items; n = the largest item n; ``ss_within`` unknown (NaN), because a
      multi-item aggregate has no person-level spread.
    - Staff cells with n < k are left out (the anonymity rule; no complementary suppression is
      needed because demo staff files have no branches or touchpoints).
    - Patrons: ``core_sat`` on 0-100 over non-missing answers ("Ved ikke" is missing).

    Returns the ``cells`` input contract: library, period, side, n, mean, ss_within,
    touchpoint (None), sorted like the product's.
    """
    rows = []
    for c in world.staff:
        if c.aggregate:
            means, ns = [], []
            for col in range(c.items.shape[1]):
                vals = c.items[:, col]
                vals = vals[~np.isnan(vals)]
                # the vendor report carries the mean rounded to 2 decimals (see _aggregates)
                means.append(float(to_index(float(f"{vals.mean():.2f}"), 1, 5)))
                ns.append(len(vals))
            n, mean, ss = max(ns), float(np.mean(means)), np.nan
        else:
            answered = ~np.isnan(c.items)
            has = answered.any(axis=1)
            score = to_index(np.nanmean(c.items[has], axis=1), 1, 5)
            n, mean = int(has.sum()), float(score.mean())
            ss = float(((score - mean) ** 2).sum())
        if n >= k:
            rows.append(("staff", c.library, c.period, n, mean, ss))
    for c in world.patrons:
        score = to_index(c.sat[~np.isnan(c.sat)], 1, 5)
        mean = float(score.mean())
        rows.append(
            ("patron", c.library, c.period, len(score), mean, float(((score - mean) ** 2).sum()))
        )
    out = pd.DataFrame(rows, columns=["side", "library", "period", "n", "mean", "ss_within"])
    out["touchpoint"] = None
    out = out.sort_values(["side", "library", "period"], ignore_index=True)
    return out[["library", "period", "side", "n", "mean", "ss_within", "touchpoint"]]


def _within_slope(x: pd.Series, y: pd.Series, groups: pd.Series) -> float:
    d = pd.DataFrame({"x": x, "y": y, "g": groups}).dropna()
    d = d[d.groupby("g")["x"].transform("size") >= 2]
    xd = d["x"] - d.groupby("g")["x"].transform("mean")
    yd = d["y"] - d.groupby("g")["y"].transform("mean")
    return float((xd * yd).sum() / (xd * xd).sum())


def estimates(world: _World) -> dict[str, float]:
    """The main estimates on one simulated forum (library-level r, within slope, lags)."""
    obs = observed_cells(world)
    matched = obs.dropna(subset=["staff_index"])
    lib = matched.groupby("library")[["staff_index", "patron_index"]].mean()
    obs = obs.sort_values(["library", "period"])
    g = obs.groupby("library")
    obs["patron_prev"] = g["patron_index"].shift(1)
    obs["staff_prev"] = g["staff_index"].shift(1)
    return {
        "r_library": float(np.corrcoef(lib["staff_index"], lib["patron_index"])[0, 1]),
        "r_true_library": world.truth["r_true_library"],
        "within_slope": _within_slope(
            matched["staff_index"], matched["patron_index"], matched["library"]
        ),
        "reverse_lag_slope": _within_slope(obs["patron_prev"], obs["staff_index"], obs["library"]),
        "forward_lag_slope": _within_slope(obs["staff_prev"], obs["patron_index"], obs["library"]),
        "patron_index_mean": float(obs["patron_index"].mean()),
        "patron_satisfied": float(obs["patron_satisfied"].mean()),
        "patron_index_sd_between": float(obs.groupby("library")["patron_index"].mean().std()),
        "staff_index_mean": float(matched["staff_index"].mean()),
        "staff_index_sd_between": float(lib["staff_index"].std()),
        "matched_libraries": float(len(lib)),
        "matched_cells": float(len(matched)),
    }


def truth_markdown(truth: dict[str, Any]) -> str:
    """The realised truth of one seed as Markdown (the generated block of data/demo/README.md)."""
    lines = [
        f"Seed {truth['seed']}. Derived conversions: one latent point = "
        f"{truth['index_per_latent_staff']} staff-index points and "
        f"{truth['index_per_latent_patron']} patron-index points at the forum means, so "
        f"beta_B_index = {truth['beta_B_index']}, beta_W_index = {truth['beta_W_index']} "
        f"(patron-index points per staff-index point) and gamma_reverse_index = "
        f"{truth['gamma_reverse_index']} (staff-index points per patron-index point).",
        "",
        f"r_true_library (Pearson r of the true library means over all 6 periods) = "
        f"{truth['r_true_library']}.",
        "",
        "| library | u (staff) | a (patron) | true staff index | true patron index | staff data |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for key, eff in truth["library_effects"].items():
        schedule = truth["staff_schedule"][key]
        schedule = schedule if isinstance(schedule, str) else ", ".join(schedule)
        lines.append(
            f"| {key} | {eff['u']:+.3f} | {eff['a']:+.3f} | {eff['staff_index_mean']:.1f} "
            f"| {eff['patron_index_mean']:.1f} | {schedule} |"
        )
    lines += [
        "",
        "| project library | touchpoint | start | latent_effect | true_effect (index points) |",
        "|---|---|---|---:|---:|",
    ]
    for pr in truth["projects"]:
        lines.append(
            f"| {pr['library']} | {pr['touchpoint']} | {pr['start']} | {pr['latent_effect']:.2f} "
            f"| {pr['true_effect']:.2f} |"
        )
    small = ", ".join(
        f"{c['library']} {c['period']} (n = {c['n']})" for c in truth["small_staff_cells"]
    )
    pii = ", ".join(f"{k} {v}" for k, v in truth["pii_counts"].items())
    lines += ["", f"Staff cells below k = 5: {small}.", "", f"Comments with personal data: {pii}."]
    return "\n".join(lines) + "\n"
