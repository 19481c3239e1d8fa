"""Net Promoter Score (patrons) and eNPS (staff) with standard errors.

NPS = % promoters (9-10) - % detractors (0-6) on the 0-10 "how likely are you to recommend" item
(Reichheld 2003, HBR 81(12); docs/statistics.md §3). Its sampling variance follows from the
multinomial distribution of (promoter, passive, detractor): with proportions p_P, p_D,
Var(p_P - p_D) = [p_P + p_D - (p_P - p_D)^2] / n, so SE = 100 * sqrt(...) in NPS points
(delta method for a difference of two multinomial proportions; e.g. Rocks 2016,
https://doi.org/10.1080/00031305.2016.1158124 discusses intervals for NPS).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from .reliability import SUPPRESSED

__all__ = ["nps_from_counts", "nps_from_values", "nps_table"]


def nps_from_counts(promoters: int, passives: int, detractors: int, ci: float = 0.95) -> dict:
    """NPS with multinomial standard error and a normal-approximation interval.

    Returns
    -------
    dict
        ``n``, ``promoters``, ``passives``, ``detractors``, ``p_promoters``, ``p_detractors``,
        ``nps`` (-100..100), ``se`` (NPS points), ``ci_low``, ``ci_high`` (clipped to -100..100),
        ``reason`` (None, or why figures are None). Counts must be non-negative.
    """
    counts = np.array([promoters, passives, detractors], dtype=float)
    if (counts < 0).any() or not np.isfinite(counts).all():
        raise ValueError("counts must be finite and non-negative")
    n = int(counts.sum())
    out = {
        "n": n,
        "promoters": int(promoters),
        "passives": int(passives),
        "detractors": int(detractors),
        "p_promoters": None,
        "p_detractors": None,
        "nps": None,
        "se": None,
        "ci_low": None,
        "ci_high": None,
        "reason": None,
    }
    if n == 0:
        out["reason"] = "not available: no answers"
        return out
    pp, pd_ = promoters / n, detractors / n
    nps = 100.0 * (pp - pd_)
    se = 100.0 * float(np.sqrt(max(pp + pd_ - (pp - pd_) ** 2, 0.0) / n))
    z = stats.norm.isf((1 - ci) / 2)
    out.update(
        p_promoters=pp,
        p_detractors=pd_,
        nps=nps,
        se=se,
        ci_low=max(nps - z * se, -100.0),
        ci_high=min(nps + z * se, 100.0),
    )
    return out


def _classify(values: np.ndarray, scale_min: int) -> tuple[int, int, int]:
    v = values[np.isfinite(values)] - scale_min
    if ((v < 0) | (v > 10)).any():
        raise ValueError(f"values outside the 11-point scale starting at {scale_min}")
    if not np.allclose(v, np.round(v)):
        raise ValueError("NPS answers must be whole scale points")
    return int((v >= 9).sum()), int(((v >= 7) & (v <= 8)).sum()), int((v <= 6).sum())


def nps_from_values(values: Sequence[float] | np.ndarray, scale_min: int = 0) -> dict:
    """NPS from individual answers on an 11-point scale starting at ``scale_min``.

    A stored 1-11 scale is passed with ``scale_min=1`` (1-7 detractors, 8-9 passives, 10-11
    promoters). Missing answers (NaN, e.g. "Ved ikke") are dropped. Returns as
    :func:`nps_from_counts`.
    """
    v = np.asarray(values, dtype=float)
    return nps_from_counts(*_classify(v, scale_min))


def nps_table(
    df: pd.DataFrame,
    by: Sequence[str] = ("library", "period"),
    *,
    value_col: str = "value",
    scale_min: int = 0,
    k: int = 5,
    kind: str = "NPS",
) -> pd.DataFrame:
    """NPS (patrons) or eNPS (staff) per group, with the anonymity threshold applied.

    Parameters
    ----------
    df : DataFrame
        One row per respondent: the ``by`` columns and ``value_col`` (0-10, or scale_min..+10).
    kind : {"NPS", "eNPS"}
        Label only; the arithmetic is the same.
    k : int
        Groups with fewer than k answers get None figures and reason SUPPRESSED.

    Returns
    -------
    DataFrame
        *by*, ``kind``, ``n``, ``p_promoters``, ``p_detractors``, ``nps``, ``se``, ``ci_low``,
        ``ci_high``, ``reason``. Counts of each class are omitted on purpose: for small staff
        groups they would be more revealing than the score.
    """
    by = list(by)
    rows = []
    for key, g in df.groupby(by, sort=True, dropna=False):
        keyt = key if isinstance(key, tuple) else (key,)
        res = nps_from_values(g[value_col].to_numpy(dtype=float), scale_min)
        rec = dict(zip(by, keyt, strict=True))
        rec["kind"] = kind
        rec.update({c: res[c] for c in ("n", "p_promoters", "p_detractors", "nps", "se")})
        rec.update(ci_low=res["ci_low"], ci_high=res["ci_high"], reason=res["reason"])
        if res["n"] < k:
            for c in ("p_promoters", "p_detractors", "nps", "se", "ci_low", "ci_high"):
                rec[c] = None
            rec["reason"] = SUPPRESSED
        rows.append(rec)
    cols = by + [
        "kind",
        "n",
        "p_promoters",
        "p_detractors",
        "nps",
        "se",
        "ci_low",
        "ci_high",
        "reason",
    ]
    out = pd.DataFrame(rows, columns=cols)
    for c in ("p_promoters", "p_detractors", "nps", "se", "ci_low", "ci_high"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    return out
