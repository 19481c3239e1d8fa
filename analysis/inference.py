"""t inference for one model coefficient, shared by every model in analysis/.

Library-level terms use t with the degrees of freedom each model states (docs/statistics.md
§8-10: J - q - 1 for means as outcomes, J - 2 for the between and contextual terms, J - 3 for
the lags, the residual df of the fixed-effects regression for the within slope), never z.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["SLOPE_FIELDS", "SlopeInference", "coefficient_table", "result_dict", "t_inference"]


@dataclass
class SlopeInference:
    """The staff-patron slope with its t inference: the fields every slope model reports first
    (:func:`t_inference` gives t, p and the CI)."""

    slope: float | None = None
    se: float | None = None
    t: float | None = None
    df: int | None = None
    p: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None


# the names a slope is reported under, in order (JSON output, the battery's summary)
SLOPE_FIELDS = tuple(f.name for f in fields(SlopeInference))


def t_inference(estimate: float, se: float, df: float, confidence: float = 0.95) -> dict:
    """t statistic, two-sided p and CI for one coefficient with ``df`` degrees of freedom.

    Returns a dict with ``t``, ``p``, ``ci_low``, ``ci_high`` (all None when se is not
    positive and finite or df < 1).
    """
    if not (np.isfinite(se) and se > 0 and df >= 1):
        return {"t": None, "p": None, "ci_low": None, "ci_high": None}
    t = estimate / se
    crit = stats.t.ppf(0.5 + confidence / 2, df)
    return {
        "t": float(t),
        "p": float(2 * stats.t.sf(abs(t), df)),
        "ci_low": float(estimate - crit * se),
        "ci_high": float(estimate + crit * se),
    }


def coefficient_table(
    params: pd.Series, cov: pd.DataFrame, df: dict[str, float] | float, confidence: float = 0.95
) -> pd.DataFrame:
    """Tidy table of fixed effects.

    Returns
    -------
    DataFrame
        Columns ``term``, ``estimate``, ``se``, ``t``, ``df``, ``p``, ``ci_low``, ``ci_high``.
    """
    rows = []
    for term, est in params.items():
        se = float(np.sqrt(cov.loc[term, term]))
        dft = df[term] if isinstance(df, dict) else df
        rows.append(
            {
                "term": term,
                "estimate": float(est),
                "se": se,
                "df": dft,
                **t_inference(float(est), se, dft, confidence),
            }
        )
    return pd.DataFrame(
        rows, columns=["term", "estimate", "se", "t", "df", "p", "ci_low", "ci_high"]
    )


def result_dict(result) -> dict:
    """A result dataclass as a JSON-serialisable dict: DataFrames become lists of records and
    ``pairs`` (tuples) become lists."""
    out = {}
    for k, v in result.__dict__.items():
        if isinstance(v, pd.DataFrame):
            out[k] = v.to_dict(orient="records")
        elif k == "pairs":
            out[k] = [list(p) for p in v]
        else:
            out[k] = v
    return out
