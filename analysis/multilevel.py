"""Means-as-outcomes multilevel model: patron satisfaction on library staff wellbeing.

docs/statistics.md §8. Patrons are nested in library-periods nested in libraries; the model is
fitted exactly from the cells' sufficient statistics (``analysis.cell_model``). Inference for
library-level coefficients uses t with df = J - q - 1 (q = library-level predictors; R&B 2002
p. 64; McNeish 2017 for why not z). The sensitivity fits are in ``analysis.sensitivity``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from servicemirror.analysis.association import matched_cells
from servicemirror.analysis.cell_model import (
    DEFAULT_OPTIMIZERS,
    VarianceFit,
    fit_cell_model,
)
from servicemirror.analysis.inference import (
    SlopeInference,
    coefficient_table,
    result_dict,
    t_inference,
)

__all__ = [
    "DEFAULT_OPTIMIZERS",
    "MultilevelResult",
    "library_design",
    "multilevel_means_as_outcomes",
]


@dataclass
class MultilevelResult(VarianceFit, SlopeInference):
    """Means-as-outcomes model result (see :func:`multilevel_means_as_outcomes`)."""

    method: str = "REML"
    likelihood: str | None = None
    staff_level: str = "library"
    n_libraries: int = 0
    n_cells: int = 0
    n_patrons: int = 0
    q: int = 1
    boundary: list[str] = field(default_factory=list)
    library_means_check: dict | None = None
    fixed_effects: pd.DataFrame | None = None
    fits: pd.DataFrame | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None

    def as_dict(self) -> dict:
        """JSON-serialisable dict; DataFrames become lists of records."""
        return result_dict(self)


def library_design(
    m: pd.DataFrame, controls: pd.DataFrame | None, staff_level: str
) -> tuple[pd.DataFrame, list[str], list[dict]]:
    """Add W (staff index) and centred controls to matched cells; drop libraries lacking a control."""
    if staff_level not in ("library", "period"):
        raise ValueError("staff_level must be 'library' or 'period'")
    excluded: list[dict] = []
    m = m.copy()
    ctrl_cols: list[str] = []
    if controls is not None and len(controls.columns.drop("library", errors="ignore")):
        ctrl = controls.copy()
        ctrl["library"] = ctrl["library"].astype(str)
        ctrl_cols = [c for c in ctrl.columns if c != "library"]
        m = m.merge(ctrl, on="library", how="left")
        bad = m[m[ctrl_cols].isna().any(axis=1)]["library"].unique()
        for lib in sorted(bad):
            excluded.append({"library": lib, "reason": "a control variable is missing"})
        m = m[~m["library"].isin(bad)].copy()
        for col in ctrl_cols:
            # Centre on the mean over the libraries in the analysis, one
            # value per library so that libraries with more periods do not pull the centre.
            m[col] = m[col] - m.groupby("library")[col].first().mean()
    if staff_level == "library":
        m["W"] = m.groupby("library")["staff_mean"].transform("mean")
    else:
        m["W"] = m["staff_mean"]
    return m, ctrl_cols, excluded


def _period_dummies(m: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    periods = sorted(m["period"].unique())
    cols = []
    for per in periods[1:]:
        col = f"period[{per}]"
        m[col] = (m["period"] == per).astype(float)
        cols.append(col)
    return m, cols


def _library_ols(m: pd.DataFrame, ctrl_cols: list[str], confidence: float) -> dict:
    lib = m.groupby("library").agg(patron_mean=("patron_mean", "mean"), W=("W", "mean"))
    for col in ctrl_cols:
        lib[col] = m.groupby("library")[col].first()
    X = sm.add_constant(lib[["W", *ctrl_cols]].to_numpy(dtype=float), has_constant="add")
    res = sm.OLS(lib["patron_mean"].to_numpy(dtype=float), X).fit()
    df = len(lib) - len(ctrl_cols) - 2
    slope, se = float(res.params[1]), float(res.bse[1])
    return {"slope": slope, "se": se, "df": df, **t_inference(slope, se, df, confidence)}


def multilevel_means_as_outcomes(
    cells: pd.DataFrame,
    *,
    touchpoint: str | None = None,
    controls: pd.DataFrame | None = None,
    staff_level: str = "library",
    period_effects: bool = True,
    reml: bool = True,
    optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
    fe_cov: str = "expected",
    confidence: float = 0.95,
) -> MultilevelResult:
    """Patron satisfaction on library staff wellbeing, patrons nested in library-periods in libraries.

    The R&B (2002, ch. 4) means-as-outcomes model, fitted exactly from the patron cells'
    (n, mean, ss_within) with :func:`fit_cell_model`.

    Parameters
    ----------
    cells : DataFrame
        The input contract (``library``, ``period``, ``side``, ``n``, ``mean``,
        ``ss_within``, ``touchpoint``); only matched (library, period) pairs are used.
    touchpoint : str or None
        Patron touchpoint; None = overall.
    controls : DataFrame, optional
        Column ``library`` plus numeric library-level controls (at most 1-2 with J = 15; a
        sensitivity figure). They are centred on the mean over the analysed libraries; a library
        lacking a value is excluded and listed in ``excluded``.
    staff_level : {"library", "period"}
        W = the library's staff index averaged (unweighted) over its matched periods
        (default: a pure library-level predictor, the primary question), or the staff
        index of the same period (then W also varies within libraries; df stays J - q - 1,
        which is conservative).
    period_effects : bool
        Add period dummies when there is more than one period, so a forum-wide shock in
        one year does not masquerade as a library difference. They are level-1 terms and
        do not count in q.
    reml, optimizers, fe_cov
        Passed to :func:`fit_cell_model`.
    confidence : float
        Level of the t interval.

    Returns
    -------
    MultilevelResult
        ``slope`` (patron-index points per staff-index point), ``se``, ``t``,
        ``df`` (= J - q - 1), ``p`` (t on df), ``ci_low``/``ci_high`` (t on df),
        ``tau00`` (library variance), ``sigma2`` (patron variance within cells; None without
        ss_within), ``tau_lp`` (library-period variance; None when every library has one
        period), ``converged``, ``optimizer`` (the fit the guard chose), ``llf``,
        ``method`` ("REML" | "ML" | "OLS on library means"), ``likelihood`` (statement),
        ``staff_level``, ``n_libraries``, ``n_cells``, ``n_patrons``, ``q``, ``boundary``,
        ``library_means_check`` (dict ``slope``, ``se``, ``df``, ``t``, ``p``, ``ci_low``,
        ``ci_high`` of OLS on unweighted library means, plus ``agrees`` and ``note``; the
        guard against MixedLM's silent zero, statsmodels issue #10239), ``fixed_effects``
        (tidy table), ``fits`` (every optimiser's fit and the guard's verdict), ``pairs``
        ((library, period) used), ``excluded``, ``warnings``, ``reason`` (why the fields are
        None). When no patron cell has ss_within and each library has one cell, the result is
        OLS on library means (``method`` says so; variances None).
    """
    res = MultilevelResult(method="REML" if reml else "ML", staff_level=staff_level)
    m = matched_cells(cells, touchpoint)
    m, ctrl_cols, excluded = library_design(m, controls, staff_level)
    res.excluded = excluded
    res.q = q = 1 + len(ctrl_cols)
    J = int(m["library"].nunique())
    res.n_libraries, res.n_cells = J, len(m)
    res.n_patrons = int(m["patron_n"].sum())
    res.pairs = list(zip(m["library"], m["period"], strict=True))
    df = J - q - 1
    if df < 2:
        res.reason = (
            f"{J} libraries with matched staff and patron data cannot support {q} library-level "
            f"predictor(s): need at least {q + 3}"
        )
        return res
    if m["W"].groupby(m["library"]).first().nunique() < 2:
        res.reason = "the staff index is the same in every library; no slope can be estimated"
        return res
    x_cols = ["W", *ctrl_cols]
    if period_effects and m["period"].nunique() > 1:
        m, dummies = _period_dummies(m)
        x_cols += dummies
    res.df = df
    check = _library_ols(m, ctrl_cols, confidence)
    has_ss = np.isfinite(m["patron_ss"]) & (m["patron_n"] >= 2)
    single = bool((m.groupby("library").size() == 1).all())
    if not has_ss.any() and single:
        res.method = "OLS on library means"
        res.likelihood = (
            "no ss_within and one period per library: library and residual variance are not "
            "separable; ordinary least squares on the library means (each library weighted "
            "equally), t on J - q - 1 df"
        )
        res.slope, res.se = check["slope"], check["se"]
        for k in ("t", "p", "ci_low", "ci_high"):
            setattr(res, k, check[k])
        res.converged, res.optimizer = True, "closed form"
        res.library_means_check = {**check, "agrees": True, "note": "this is the fit itself"}
        res.warnings.append(res.likelihood)
        return res
    try:
        fit = fit_cell_model(
            m.rename(columns={"patron_mean": "y", "patron_n": "n_", "patron_ss": "ss_"}),
            x_cols,
            y="y",
            n="n_",
            ss="ss_",
            reml=reml,
            optimizers=optimizers,
            fe_cov=fe_cov,
        )
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        # A singular design (e.g. W collinear with the period dummies) or no valid fit from
        # any optimiser: report why instead of failing the whole analysis.
        res.reason = f"the multilevel model could not be fitted: {exc}"
        res.library_means_check = {**check, "agrees": None, "note": "multilevel fit failed"}
        return res
    slope = float(fit.params["W"])
    se = float(np.sqrt(fit.cov.loc["W", "W"]))
    res.slope, res.se = slope, se
    inf = t_inference(slope, se, df, confidence)
    res.t, res.p, res.ci_low, res.ci_high = inf["t"], inf["p"], inf["ci_low"], inf["ci_high"]
    res.take_fit(fit)
    res.likelihood, res.boundary, res.fits = fit.likelihood, fit.boundary, fit.fits
    lib_terms = {"Intercept": df, "W": df, **dict.fromkeys(ctrl_cols, df)}
    dfs = {t: lib_terms.get(t, df) for t in fit.params.index}
    res.fixed_effects = coefficient_table(fit.params, fit.cov, dfs, confidence)
    res.warnings = list(fit.warnings)
    zero = slope == 0.0 and abs(check["slope"]) > 1e-8
    agrees = (not zero) and abs(slope - check["slope"]) <= 2 * check["se"]
    res.library_means_check = {
        **check,
        "agrees": bool(agrees),
        "note": (
            "OLS on unweighted library means beside the multilevel slope; they weight libraries "
            "differently, so 'agrees' means within 2 OLS standard errors (a screen, not a test)"
        ),
    }
    if not agrees:
        res.warnings.append(
            f"multilevel slope {slope:.4g} and library-means slope {check['slope']:.4g} disagree; "
            "inspect before reporting"
        )
    return res
