"""Service declarations: targets against measured values, with the uncertainty of the measurement.

From paper to action. A target promises a level on the product's scales for one
library and touchpoint: ``index`` (patron index 0-100), ``top2`` (percentage answering one of the
two best points, e.g. "90 % satisfied with home delivery") or ``nps`` (-100..100, overall only).
For every period the measured value gets a 95 % interval and the gap to the target with the same
interval; the status is "met" when the whole interval is at or above the target, "missed" when
it is wholly below, "unclear" when the interval straddles it (a patron survey of 20 home-delivery
users cannot tell 88 % from 92 %). DataFrame in, DataFrame out; no IO.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from servicemirror.analysis.nps import nps_from_counts

__all__ = ["target_series", "latest_status"]

COLUMNS = [
    "library_key",
    "touchpoint",
    "measure",
    "target_value",
    "source",
    "period",
    "n",
    "value",
    "ci_low",
    "ci_high",
    "gap",
    "gap_low",
    "gap_high",
    "status",
]


def _wilson(k: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion, in percent (good near 0 % and 100 %)."""
    if n <= 0:
        return np.nan, np.nan
    z = stats.norm.ppf(0.5 + level / 2)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def _measured(target, cells: pd.DataFrame, top2: pd.DataFrame | None) -> pd.DataFrame:
    """period, n, value, ci_low, ci_high of the target's measure for its library and touchpoint."""
    cols = ["period", "n", "value", "ci_low", "ci_high"]
    if target.measure == "top2":
        if top2 is None or top2.empty:
            return pd.DataFrame(columns=cols)
        sub = top2[
            (top2["library_key"] == target.library_key) & (top2["touchpoint"] == target.touchpoint)
        ]
        rows = [
            (r.period, int(r.n), float(r.top2), *_wilson(float(r.n_top2), float(r.n)))
            for r in sub.itertuples()
        ]
        return pd.DataFrame(rows, columns=cols)
    measure = "nps" if target.measure == "nps" else "satisfaction"
    sub = cells[
        (cells["library_key"] == target.library_key)
        & (cells["side"] == "patron")
        & (cells["measure"] == measure)
        & (cells["touchpoint"] == target.touchpoint)
    ]
    rows = []
    for r in sub.itertuples():
        if not np.isfinite(r.mean):
            continue
        if measure == "nps":
            if pd.isna(r.promoters):
                lo = hi = np.nan
            else:
                res = nps_from_counts(
                    int(r.promoters), int(r.n - r.promoters - r.detractors), int(r.detractors)
                )
                lo, hi = res["ci_low"], res["ci_high"]
        elif pd.notna(r.sd) and r.n >= 2:
            half = stats.t.ppf(0.975, r.n - 1) * r.sd / np.sqrt(r.n)
            lo, hi = max(0.0, r.mean - half), min(100.0, r.mean + half)
        else:
            lo = hi = np.nan
        rows.append((r.period, int(r.n), float(r.mean), lo, hi))
    return pd.DataFrame(rows, columns=cols)


def target_series(
    targets: pd.DataFrame, cells: pd.DataFrame, top2: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Every target against every period with a measurement.

    ``targets``: targets_all.sql rows; ``cells``: published cells; ``top2``: patron_top2.sql rows.
    Columns: library_key, touchpoint, measure, target_value, source, period, n, value, ci_low,
    ci_high, gap (value - target), gap_low, gap_high, status (met | missed | unclear). A target
    with no measurement yet has one row with period None and status "no data".
    """
    parts = []
    for t in targets.itertuples():
        m = _measured(t, cells, top2)
        if m.empty:
            m = pd.DataFrame(
                [{"period": None, "n": 0, "value": np.nan, "ci_low": np.nan, "ci_high": np.nan}]
            )
        for col in ("library_key", "touchpoint", "measure", "target_value", "source"):
            m[col] = getattr(t, col)
        parts.append(m)
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    out = pd.concat(parts, ignore_index=True)
    out["gap"] = out["value"] - out["target_value"]
    out["gap_low"] = out["ci_low"] - out["target_value"]
    out["gap_high"] = out["ci_high"] - out["target_value"]
    out["status"] = np.select(
        [out["value"].isna(), out["gap_low"] >= 0, out["gap_high"] < 0],
        ["no data", "met", "missed"],
        "unclear",
    )
    return out[COLUMNS]


def latest_status(series: pd.DataFrame) -> pd.DataFrame:
    """The latest measured period per target (target_series rows, same columns)."""
    if series.empty:
        return series
    ordered = series.sort_values("period", na_position="first")
    return (
        ordered.groupby(["library_key", "touchpoint", "measure"], as_index=False, sort=True)
        .tail(1)
        .reset_index(drop=True)
    )
