"""Sensitivity fits beside the product's model: cluster-robust OLS on cells, and statsmodels
MixedLM on patron rows run through the same guard as the product's model (for cross-checks).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from servicemirror.analysis.association import matched_cells
from servicemirror.analysis.cell_model import FitCandidate, select_fit
from servicemirror.analysis.inference import SlopeInference, t_inference
from servicemirror.analysis.multilevel import library_design

__all__ = [
    "ClusterRobustResult",
    "MixedLMFit",
    "cluster_robust_ols_sensitivity",
    "fit_mixedlm",
    "mixedlm_candidate",
]


@dataclass
class ClusterRobustResult(SlopeInference):
    """WLS on cell means with cluster-robust SE (see :func:`cluster_robust_ols_sensitivity`)."""

    n_clusters: int = 0
    n_cells: int = 0
    n_patrons: int = 0
    label: str = "sensitivity"
    weighting: str = "cells weighted by patron n (= pooled patron-level OLS)"
    reason: str | None = None

    def as_dict(self) -> dict:
        """Plain dict of all fields."""
        return dict(self.__dict__)


def cluster_robust_ols_sensitivity(
    cells: pd.DataFrame,
    *,
    touchpoint: str | None = None,
    controls: pd.DataFrame | None = None,
    staff_level: str = "library",
    confidence: float = 0.95,
) -> ClusterRobustResult:
    """Patron-level pooled OLS with library-clustered SE, computed from cell means.

    WLS of patron cell means on W (and centred controls) with weights = patron n gives the
    row-level OLS coefficients, and because W is constant within a cell the cluster scores
    sum_i x_i e_i = n_c x_c (mean_c - x_c'b) are the same, so the CR1 sandwich equals the
    row-level one when its small-sample factor G/(G-1) * (N-1)/(N-k) uses N = patron rows.
    t on G - 1 df. With G < ~30-40 clusters CR1 over-rejects (Cameron,
    Gelbach & Miller 2008): a sensitivity line only.

    Returns
    -------
    ClusterRobustResult
        ``slope``, ``se``, ``t``, ``df`` (G - 1), ``p``, ``ci_low``, ``ci_high``,
        ``n_clusters``, ``n_cells``, ``n_patrons``, ``label``, ``weighting``, ``reason``.
    """
    res = ClusterRobustResult()
    m = matched_cells(cells, touchpoint)
    m, ctrl_cols, _ = library_design(m, controls, staff_level)
    G = int(m["library"].nunique())
    res.n_clusters, res.n_cells, res.n_patrons = G, len(m), int(m["patron_n"].sum())
    k = 2 + len(ctrl_cols)
    if G < k + 2:
        res.reason = (
            f"{G} libraries are too few for a cluster-robust regression with {k} coefficients"
        )
        return res
    X = sm.add_constant(m[["W", *ctrl_cols]].to_numpy(dtype=float), has_constant="add")
    yv = m["patron_mean"].to_numpy(dtype=float)
    w = m["patron_n"].to_numpy(dtype=float)
    fit = sm.WLS(yv, X, weights=w).fit()
    resid = yv - X @ fit.params
    scores = X * (w * resid)[:, None]
    codes, _ = pd.factorize(m["library"])
    S = np.zeros((G, X.shape[1]))
    np.add.at(S, codes, scores)
    bread = np.linalg.inv(X.T @ (X * w[:, None]))
    N = w.sum()
    factor = G / (G - 1) * (N - 1) / (N - X.shape[1])
    cov = factor * bread @ (S.T @ S) @ bread
    res.slope, res.se, res.df = float(fit.params[1]), float(np.sqrt(cov[1, 1])), G - 1
    inf = t_inference(res.slope, res.se, res.df, confidence)
    res.t, res.p, res.ci_low, res.ci_high = inf["t"], inf["p"], inf["ci_low"], inf["ci_high"]
    return res


@dataclass
class MixedLMFit:
    """statsmodels MixedLM fitted with several optimisers and the guard (see :func:`fit_mixedlm`).

    Fields: ``result`` (the chosen ``MixedLMResults`` or None), ``optimizer``,
    ``converged``, ``fits`` (the guard's table), ``zero_fe`` (fixed effects returned as
    exactly 0.0: statsmodels issue #10239), ``warnings``.
    """

    result: Any
    optimizer: str | None
    converged: bool
    fits: pd.DataFrame
    zero_fe: list[str]
    warnings: list[str]


def mixedlm_candidate(method: str, res: Any) -> FitCandidate:
    """Describe a fitted statsmodels ``MixedLMResults`` as a :class:`FitCandidate`."""
    k_fe = res.model.k_fe
    variances = {f"re_{i}": float(v) for i, v in enumerate(np.diag(np.asarray(res.cov_re)))}
    variances.update({f"vc_{i}": float(v) for i, v in enumerate(np.atleast_1d(res.vcomp))})
    variances["scale"] = float(res.scale)
    fe_cov = np.asarray(res.cov_params())[:k_fe, :k_fe]
    return FitCandidate(
        optimizer=method,
        llf=float(res.llf),
        converged=bool(res.converged),
        variances=variances,
        fe_cov=fe_cov,
        payload=res,
    )


def fit_mixedlm(
    data: pd.DataFrame,
    formula: str,
    groups: str,
    *,
    reml: bool = True,
    methods: Sequence[str] = ("powell", "lbfgs", "nm"),
    re_formula: str | None = None,
    vc_formula: dict[str, str] | None = None,
    fit_fn: Callable[..., Any] | None = None,
) -> MixedLMFit:
    """Fit ``statsmodels`` MixedLM once per optimiser and keep the fit the guard selects.

    For row-level data (patron covariates, cross-checks). Each method is fitted on its own
    (``fit(method=m)``) so that a broken fit (statsmodels' lbfgs can report convergence with
    ``llf = inf`` and a zero variance) is visible and discarded by :func:`select_fit`.

    Parameters
    ----------
    data : DataFrame
    formula : str
        Patsy formula of the fixed effects.
    groups : str
        Column of the grouping unit (library).
    reml : bool
    methods : sequence of str
        statsmodels optimiser names.
    re_formula, vc_formula
        Passed to ``MixedLM.from_formula``.
    fit_fn : callable, optional
        ``fit_fn(model, method) -> MixedLMResults``; defaults to
        ``model.fit(reml=reml, method=method)``. A seam for tests.

    Returns
    -------
    MixedLMFit
    """
    model = sm.MixedLM.from_formula(
        formula, data, groups=data[groups], re_formula=re_formula, vc_formula=vc_formula
    )
    cands: list[FitCandidate] = []
    notes: list[str] = []
    for meth in methods:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                r = fit_fn(model, meth) if fit_fn else model.fit(reml=reml, method=meth)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError) as exc:
                cands.append(
                    FitCandidate(meth, float("nan"), False, {}, None, None, f"failed: {exc}")
                )
                notes.append(f"{meth}: fit failed ({exc})")
                continue
        cand = mixedlm_candidate(meth, r)
        if caught:
            msgs = sorted({str(w.message) for w in caught})
            cand.message = "; ".join(msgs)
            notes.extend(f"{meth}: {msg}" for msg in msgs)
        cands.append(cand)
    chosen, table = select_fit(cands)
    if chosen is None:
        return MixedLMFit(None, None, False, table, [], notes + ["no valid fit from any optimiser"])
    res = chosen.payload
    zero = [str(k) for k, v in res.fe_params.items() if v == 0.0]
    if zero:
        notes.append(
            f"fixed effect(s) {zero} are exactly 0.0: statsmodels issue #10239 (random-intercept "
            "variance near 0); check against a regression on group means"
        )
    if not chosen.converged:
        notes.append(f"the chosen fit ({chosen.optimizer}) did not report convergence")
    return MixedLMFit(res, chosen.optimizer, bool(chosen.converged), table, zero, notes)
