"""Has a library's figure changed since the previous period, or may the change be chance?

The two periods are separate samples of people, so the change of an index (a mean on 0-100) gets
Welch's t interval for a difference of two independent means (unequal variances,
Welch-Satterthwaite degrees of freedom), and the change of an NPS (-100..100) the normal
interval of a difference of two independent multinomial NPS, whose standard error is the root
of the sum of the two squared standard errors (the one in ``analysis.nps``).

The verdict reads the interval only: above 0 = a clear improvement, below 0 = a clear decline,
across 0 = the change may be chance. It says nothing about why the figure moved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["VERDICTS", "mean_change", "nps_change", "verdict"]

VERDICTS = ("improved", "declined", "uncertain", "unknown")


def verdict(ci_low: float, ci_high: float) -> str:
    """'improved' (interval above 0), 'declined' (below 0), 'uncertain' (across 0) or
    'unknown' (no interval: an aggregate without a spread, or too few answers)."""
    if ci_low is None or ci_high is None or not (np.isfinite(ci_low) and np.isfinite(ci_high)):
        return "unknown"
    if ci_low > 0:
        return "improved"
    if ci_high < 0:
        return "declined"
    return "uncertain"


def mean_change(
    mean_now: float,
    sd_now: float,
    n_now: float,
    mean_before: float,
    sd_before: float,
    n_before: float,
    level: float = 0.95,
) -> dict:
    """Welch's interval for ``mean_now - mean_before`` from the two periods' means, sample
    standard deviations and sizes.

    Returns
    -------
    dict
        ``change``, ``se``, ``dof``, ``ci_low``, ``ci_high`` (NaN when either sd is unknown or
        either n < 2) and ``verdict`` (see :func:`verdict`).
    """
    change = float(mean_now) - float(mean_before)
    out = {"change": change, "se": np.nan, "dof": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    sds, ns = (sd_now, sd_before), (n_now, n_before)
    if any(s is None or not np.isfinite(s) for s in sds) or any(
        n is None or not np.isfinite(n) or n < 2 for n in ns
    ):
        return {**out, "verdict": "unknown"}
    v1, v2 = float(sd_now) ** 2 / float(n_now), float(sd_before) ** 2 / float(n_before)
    se = float(np.sqrt(v1 + v2))
    if se == 0:
        return {**out, "se": 0.0, "verdict": "unknown"}
    dof = (v1 + v2) ** 2 / (v1**2 / (n_now - 1) + v2**2 / (n_before - 1))
    half = float(stats.t.ppf(0.5 + level / 2, dof)) * se
    out.update(se=se, dof=float(dof), ci_low=change - half, ci_high=change + half)
    return {**out, "verdict": verdict(out["ci_low"], out["ci_high"])}


def nps_change(
    promoters_now: int,
    detractors_now: int,
    n_now: int,
    promoters_before: int,
    detractors_before: int,
    n_before: int,
    level: float = 0.95,
) -> dict:
    """Normal interval for the change of NPS (points, -200..200) between two independent samples.

    Returns
    -------
    dict
        ``change``, ``se``, ``ci_low``, ``ci_high`` (NaN when a period has no answers) and
        ``verdict``.
    """

    def one(promoters, detractors, n):
        pp, pd_ = promoters / n, detractors / n
        return 100.0 * (pp - pd_), 100.0**2 * max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n

    if not n_now or not n_before:
        nan = float("nan")
        return {"change": nan, "se": nan, "ci_low": nan, "ci_high": nan, "verdict": "unknown"}
    nps1, var1 = one(promoters_now, detractors_now, n_now)
    nps0, var0 = one(promoters_before, detractors_before, n_before)
    change, se = nps1 - nps0, float(np.sqrt(var1 + var0))
    z = float(stats.norm.isf((1 - level) / 2))
    low, high = change - z * se, change + z * se
    return {
        "change": change,
        "se": se,
        "ci_low": low,
        "ci_high": high,
        "verdict": verdict(low, high) if se > 0 else "unknown",
    }


def cell_change(now: pd.Series, before: pd.Series, level: float = 0.95) -> dict:
    """The change between two published cells (``publish`` cells: measure, mean or value, sd,
    n, promoters, detractors): NPS/eNPS from their counts, every other measure as a mean."""
    value = "value" if "value" in now.index else "mean"
    if now["measure"] in ("nps", "enps") and pd.notna(now.get("promoters")):
        if pd.notna(before.get("promoters")):
            return nps_change(
                int(now["promoters"]),
                int(now["detractors"]),
                int(now["n"]),
                int(before["promoters"]),
                int(before["detractors"]),
                int(before["n"]),
                level,
            )
    return mean_change(
        now[value], now.get("sd"), now["n"], before[value], before.get("sd"), before["n"], level
    )
