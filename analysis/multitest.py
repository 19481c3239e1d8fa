"""Benjamini-Hochberg false discovery rate control per family of tests (docs/statistics.md §12).

Only secondary families (touchpoints x one predictor, ...) are adjusted; the pre-declared primary
test is a family of one. Benjamini & Hochberg 1995, JRSS-B 57(1),
https://doi.org/10.1111/j.2517-6161.1995.tb02031.x ; computed with statsmodels
``multipletests(method="fdr_bh")``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from statsmodels.stats.multitest import multipletests

__all__ = ["benjamini_hochberg"]


def benjamini_hochberg(
    tests: pd.DataFrame,
    family_definition: str | Mapping[str, str],
    *,
    p_col: str = "p",
    family_col: str | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Add BH-adjusted p-values per family.

    Parameters
    ----------
    tests : DataFrame
        One row per test with a raw p-value column ``p_col``; other columns are kept.
    family_definition : str or mapping
        What makes a family, in words, e.g. "touchpoints (counter, self-service, ...) x staff
        wellbeing, library level, period 2024". A mapping gives one definition per value of
        ``family_col``.
    family_col : str or None
        Column that splits the rows into families; None = all rows are one family.
    alpha : float
        FDR level for the ``reject`` column.

    Returns
    -------
    DataFrame
        The input columns plus ``family``, ``family_definition``, ``m`` (tests in the family with
        a p-value), ``p_raw``, ``p_adjusted``, ``reject`` (p_adjusted <= alpha), ``method``
        ("fdr_bh"). Rows with a missing p stay in the table with missing ``p_adjusted`` and
        ``reject`` and do not count in ``m``.
    """
    out = tests.copy()
    if family_col is None:
        fam = pd.Series("all", index=out.index)
    else:
        fam = out[family_col].astype(str)
    if isinstance(family_definition, str):
        defs = {f: family_definition for f in fam.unique()}
    else:
        missing = set(fam.unique()) - set(family_definition)
        if missing:
            raise ValueError(f"no family definition for: {sorted(missing)}")
        defs = dict(family_definition)
    p = pd.to_numeric(out[p_col], errors="coerce").astype(float)
    if ((p < 0) | (p > 1)).any():
        raise ValueError("p-values must lie in [0, 1]")
    out["family"] = fam
    out["family_definition"] = fam.map(defs)
    out["p_raw"] = p
    out["p_adjusted"] = np.nan
    out["reject"] = pd.Series(pd.NA, index=out.index, dtype="boolean")
    out["m"] = 0
    for idx in out.groupby("family", sort=False).groups.values():
        pf = p.loc[idx]
        ok = pf.notna()
        out.loc[idx, "m"] = int(ok.sum())
        if ok.any():
            rej, padj, _, _ = multipletests(pf[ok].to_numpy(), alpha=alpha, method="fdr_bh")
            out.loc[pf[ok].index, "p_adjusted"] = padj
            out.loc[pf[ok].index, "reject"] = rej
    out["method"] = "fdr_bh"
    return out
