"""Descriptive helpers for the dashboard: the OLS line with its confidence band, cell-mean CIs,
and the forum's median and interquartile band.

DataFrame in, DataFrame out; never imports streamlit. Callers pass only published, non-suppressed
values (the publication layer decides what may be shown; a hidden cell must not enter a line).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["forum_band", "likert_layout", "likert_positions", "mean_ci", "ols_band"]

BAND_COLUMNS = ["x", "fit", "ci_low", "ci_high"]


def ols_band(
    x: np.ndarray | pd.Series,
    y: np.ndarray | pd.Series,
    *,
    level: float = 0.95,
    points: int = 50,
) -> pd.DataFrame:
    """The least-squares line of ``y`` on ``x`` with the confidence band of its mean.

    Parameters
    ----------
    x, y : array-like
        Paired values; pairs with a missing value are dropped.
    level : float
        Confidence level of the band (0.95 = 95 %).
    points : int
        Number of evenly spaced x values from min(x) to max(x) at which the band is given.

    Returns
    -------
    DataFrame
        Columns ``x, fit, ci_low, ci_high`` (one row per grid point), sorted by x. Empty (same
        columns) when fewer than 3 complete pairs or no spread in x: a line through two points
        has no residual variance, so no honest band.

    Notes
    -----
    The band is the usual pointwise interval for E[y | x]:
    ``fit ± t(level, n-2) * s * sqrt(1/n + (x - mean(x))^2 / Sxx)``, identical to statsmodels'
    ``OLS(...).get_prediction(...).summary_frame()["mean_ci_lower"/"mean_ci_upper"]``.
    """
    xs = np.asarray(x, dtype=float)
    ys = np.asarray(y, dtype=float)
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    n = len(xs)
    if n < 3 or np.ptp(xs) == 0:
        return pd.DataFrame(columns=BAND_COLUMNS, dtype=float)
    x_mean = xs.mean()
    sxx = float(((xs - x_mean) ** 2).sum())
    slope = float(((xs - x_mean) * (ys - ys.mean())).sum() / sxx)
    intercept = float(ys.mean() - slope * x_mean)
    residuals = ys - (intercept + slope * xs)
    s = float(np.sqrt((residuals**2).sum() / (n - 2)))
    t_crit = float(stats.t.ppf(0.5 + level / 2, n - 2))
    grid = np.linspace(xs.min(), xs.max(), points)
    fit = intercept + slope * grid
    half = t_crit * s * np.sqrt(1 / n + (grid - x_mean) ** 2 / sxx)
    return pd.DataFrame({"x": grid, "fit": fit, "ci_low": fit - half, "ci_high": fit + half})


def mean_ci(
    mean: pd.Series,
    sd: pd.Series,
    n: pd.Series,
    level: float = 0.95,
    bounds: tuple[float, float] | None = (0.0, 100.0),
) -> tuple[pd.Series, pd.Series]:
    """The t interval ``mean ± t(level, n-1) * sd / sqrt(n)`` of cell means, elementwise.

    Missing where sd is unknown (e.g. a vendor aggregate without sd) or n < 2. Clipped to
    ``bounds`` (the 0-100 index scale by default; None = no clipping), since a near-ceiling
    cell's symmetric interval would otherwise promise values the scale cannot take.
    Returns (ci_low, ci_high) as float Series aligned with ``mean``.
    """
    mean = pd.Series(mean, dtype="float64")
    sd = pd.Series(sd, dtype="float64").set_axis(mean.index)
    n = pd.Series(n, dtype="float64").set_axis(mean.index)
    valid = sd.notna() & (n >= 2)
    dof = (n - 1).where(valid, 1.0)  # placeholder for invalid rows; masked out below
    t_crit = pd.Series(stats.t.ppf(0.5 + level / 2, dof), index=mean.index)
    half = (t_crit * sd / np.sqrt(n)).where(valid)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = low.clip(*bounds), high.clip(*bounds)
    return low, high


def forum_band(
    frame: pd.DataFrame, by: list[str], value: str = "value", min_libraries: int = 3
) -> pd.DataFrame:
    """Median and interquartile range of ``value`` across libraries per group of ``by``.

    Rows with a missing value (suppressed or not reported) are left out, so the band is computed
    only from figures that may be shown. A group with fewer than ``min_libraries`` libraries
    keeps its row and count but no median or band: the "median" of one or two libraries is their
    own figure, and calling it the forum's would both mislead and reveal it.

    Returns
    -------
    DataFrame
        Columns ``*by, median, q1, q3, n_libraries``.
    """
    visible = frame.dropna(subset=[value])
    if visible.empty:
        return pd.DataFrame(columns=[*by, "median", "q1", "q3", "n_libraries"])
    grouped = visible.groupby(by)[value]
    out = pd.DataFrame(
        {
            "median": grouped.median(),
            "q1": grouped.quantile(0.25),
            "q3": grouped.quantile(0.75),
            "n_libraries": grouped.size(),
        }
    )
    out.loc[out["n_libraries"] < min_libraries, ["median", "q1", "q3"]] = float("nan")
    return out.reset_index()


def likert_layout(counts: pd.DataFrame, by: str = "item") -> pd.DataFrame:
    """Positions for a diverging stacked bar per ``by`` group from answer counts.

    ``counts`` columns: ``by``, value (the answer on the item's scale), n, scale_min, scale_max.
    Answers below the scale midpoint stack to the left of 0, answers above it to the right, and a
    middle answer (odd scales) straddles 0, half on each side, so the bars are comparable however
    many answers are neutral.

    Returns
    -------
    DataFrame
        Columns ``by, value, n, share (0-1 of the group's answers), start, end`` (in shares;
        negative = left of the midpoint), plus ``level`` (0 = lowest answer .. scale steps).
    """
    columns = [by, "value", "level", "n", "share", "start", "end"]
    if counts.empty:
        return pd.DataFrame(columns=columns)
    positions = likert_positions(
        counts[by].to_numpy(),
        counts["value"].to_numpy(float),
        counts["n"].to_numpy(),
        counts["scale_min"].to_numpy(float),
        counts["scale_max"].to_numpy(float),
    )
    positions[by] = positions.pop("group")
    return pd.DataFrame(positions)[columns]


def likert_positions(
    groups: np.ndarray, values: np.ndarray, n: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> dict[str, np.ndarray]:
    """:func:`likert_layout` on plain arrays (one entry per answer row, at least one row).

    Returns a dict of arrays in the layout's row order: group, value, level, n, share, start,
    end. For callers that build their own frame once (the Library page's bars run on every view;
    pandas' per-call overhead was most of their cost).
    """
    # numpy on the sorted rows: groups keep the order they first appear in, answers within a
    # group go low to high
    first = pd.factorize(groups)[0]
    values_all = np.asarray(values, float)
    order = np.lexsort((values_all, first))
    keys = first[order]
    values = values_all[order]
    n = np.asarray(n)[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(keys)]))
    # the scale of a group is that of its first (lowest) answer row
    lo = np.asarray(lo, float)[order][starts][group]
    hi = np.asarray(hi, float)[order][starts][group]
    mid = (lo + hi) / 2
    nf = n.astype(float)
    share = nf / np.add.reduceat(nf, starts)[group]
    # the left edge: everything below the midpoint plus half of an answer exactly on it
    below = np.where(values < mid, share, 0.0) + np.where(values == mid, share / 2, 0.0)
    left = np.add.reduceat(below, starts)[group]
    before = np.empty_like(share)
    for a, b in zip(starts, np.r_[starts[1:], len(keys)], strict=True):
        before[a:b] = np.cumsum(share[a:b]) - share[a:b]
    start = -left + before
    return {
        "group": np.asarray(groups)[order],
        "value": values,
        "level": (values - lo).astype(int),
        "n": n,
        "share": share,
        "start": start,
        "end": start + share,
    }
