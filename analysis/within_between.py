"""Within- vs between-library effects (REWB / Mundlak) and lagged models in both directions.

STATISTICS.md §4-5. For library j in period t with staff index x_jt (matched with a patron
cell), x̄_j is the library's unweighted mean over its matched periods and x̃_jt = x_jt - x̄_j.
The REWB model (Bell & Jones 2015, PSRM 3(1), https://doi.org/10.1017/psrm.2014.7 ; Bell,
Fairbrother & Jones 2019, Qual. Quant. 53, https://doi.org/10.1007/s11135-018-0802-x ) is

    y_ijt = b0 + b_W x̃_jt + b_B x̄_j + period_t + u_j + v_jt + e_ijt,

fitted exactly from the patron cells' (n, mean, ss_within) with
:func:`analysis.multilevel.fit_cell_model` (patron sampling error, library-period and library
variance are separated; the cell-level v_jt plays the part of e_jt in the paper). b_W equals
the fixed-effects (demeaned) slope; b_B - b_W is Mundlak's contextual effect.

Lags (§5) use consecutive periods of the caller's ordered period list only, lag = 1 period:
staff_to_patron y_jt ~ x̃_{j,t-1} + x̄_j + period_t (+ u_j) and patron_to_staff
x_jt ~ ỹ_{j,t-1} + ȳ_j + period_t (+ u_j). No lagged outcome is added (Nickell 1981 bias
with T <= 8). Association over time, never proof of cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from servicemirror.analysis.association import matched_cells, side_cells
from servicemirror.analysis.multilevel import (
    DEFAULT_OPTIMIZERS,
    coefficient_table,
    fit_cell_model,
    result_dict,
    t_inference,
)

__all__ = [
    "LagDirection",
    "LaggedResult",
    "WithinBetweenResult",
    "lagged_effects",
    "within_between",
]

LAG_PERIODS = 1


def _dummies(d: pd.DataFrame, col: str) -> tuple[pd.DataFrame, list[str]]:
    d = d.copy()
    names = []
    for per in sorted(d[col].unique())[1:]:
        name = f"period[{per}]"
        d[name] = (d[col] == per).astype(float)
        names.append(name)
    return d, names


@dataclass
class _Fit:
    params: pd.Series
    cov: pd.DataFrame
    tau00: float | None
    sigma2: float | None
    tau_lp: float | None
    llf: float | None
    converged: bool
    optimizer: str
    likelihood: str
    fits: pd.DataFrame | None
    warnings: list[str]


def _fit(
    d: pd.DataFrame, x_cols: list[str], y: str, n: str, ss: str, reml: bool, optimizers
) -> _Fit:
    """Exact cell model, or OLS on the cell means when the variances are not separable."""
    usable_ss = np.isfinite(d[ss]) & (d[n] >= 2)
    single = bool((d.groupby("library").size() == 1).all())
    if not usable_ss.any() and single:
        X = sm.add_constant(d[x_cols].to_numpy(dtype=float), has_constant="add")
        r = sm.OLS(d[y].to_numpy(dtype=float), X).fit()
        names = ["Intercept", *x_cols]
        note = (
            "no ss_within and one row per library: library and residual variance are not "
            "separable; OLS on the cell means"
        )
        return _Fit(
            pd.Series(r.params, index=names),
            pd.DataFrame(r.cov_params(), index=names, columns=names),
            None,
            None,
            None,
            float(r.llf),
            True,
            "closed form",
            note,
            None,
            [note],
        )
    f = fit_cell_model(d, x_cols, y=y, n=n, ss=ss, reml=reml, optimizers=optimizers)
    return _Fit(
        f.params,
        f.cov,
        f.tau00,
        f.sigma2,
        f.tau_lp,
        f.llf,
        f.converged,
        f.optimizer,
        f.likelihood,
        f.fits,
        list(f.warnings),
    )


# ----------------------------------------------------------------------------------------
# REWB
# ----------------------------------------------------------------------------------------


@dataclass
class WithinBetweenResult:
    """REWB decomposition (see :func:`within_between`)."""

    beta_within: float | None = None
    se_within: float | None = None
    t_within: float | None = None
    df_within: int | None = None
    p_within: float | None = None
    ci_within_low: float | None = None
    ci_within_high: float | None = None
    beta_between: float | None = None
    se_between: float | None = None
    t_between: float | None = None
    df_between: int | None = None
    p_between: float | None = None
    ci_between_low: float | None = None
    ci_between_high: float | None = None
    contextual: float | None = None
    contextual_se: float | None = None
    contextual_t: float | None = None
    contextual_p: float | None = None
    contextual_ci_low: float | None = None
    contextual_ci_high: float | None = None
    tau00: float | None = None
    sigma2: float | None = None
    tau_lp: float | None = None
    converged: bool | None = None
    optimizer: str | None = None
    llf: float | None = None
    likelihood: str | None = None
    n_libraries: int = 0
    n_libraries_within: int = 0
    n_periods: int = 0
    n_cells: int = 0
    df_rule: str = (
        "within and contextual: residual df of the equivalent fixed-effects regression, "
        "cells - J - (periods - 1) - 1; between: J - 2 (HLM's J - q - 1 with q = 1)"
    )
    fixed_effects: pd.DataFrame | None = None
    fits: pd.DataFrame | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None

    def as_dict(self) -> dict:
        """JSON-serialisable dict; DataFrames become lists of records."""
        return result_dict(self)


def within_between(
    cells: pd.DataFrame,
    *,
    touchpoint: str | None = None,
    min_libraries_within: int = 3,
    reml: bool = True,
    optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
    confidence: float = 0.95,
) -> WithinBetweenResult:
    """Within- and between-library slopes of patron satisfaction on staff wellbeing (REWB).

    Parameters
    ----------
    cells : DataFrame
        The input contract; matched (library, period) pairs are used. Libraries with one
        matched period add to the between part only (x̃ = 0).
    touchpoint : str or None
        Patron touchpoint; None = overall.
    min_libraries_within : int
        Libraries with >= 2 matched periods needed before the within slope is reported.
    reml, optimizers
        Passed to :func:`analysis.multilevel.fit_cell_model`.
    confidence : float
        Level of the t intervals.

    Returns
    -------
    WithinBetweenResult
        ``beta_within``/``se_within``/``t_within``/``df_within``/``p_within``/
        ``ci_within_low``/``ci_within_high`` (the secondary pre-declared analysis: when a
        library's staff index rises, does its patron index rise), the same for ``between``,
        ``contextual`` = beta_between - beta_within with ``contextual_se``, ``_t``, ``_p``,
        ``_ci_low``, ``_ci_high`` (numeric contrast on the fixed-effect covariance, df =
        df_within), variance estimates ``tau00``, ``sigma2``, ``tau_lp``, ``converged``,
        ``optimizer``, ``llf``, ``likelihood``, counts ``n_libraries``,
        ``n_libraries_within``, ``n_periods``, ``n_cells``, ``df_rule``, ``fixed_effects``,
        ``fits``, ``pairs`` ((library, period) used), ``warnings``, ``reason`` (why the
        estimates are None).
    """
    res = WithinBetweenResult()
    m = matched_cells(cells, touchpoint)
    counts = m.groupby("library").size()
    J = len(counts)
    T = int(m["period"].nunique())
    res.n_libraries, res.n_periods, res.n_cells = J, T, len(m)
    res.n_libraries_within = int((counts >= 2).sum())
    res.pairs = list(zip(m["library"], m["period"], strict=True))
    if res.n_libraries_within < min_libraries_within or J < 4:
        res.reason = (
            f"{res.n_libraries_within} libraries have staff and patron data in at least 2 "
            f"periods (of {J} libraries); the within-library slope needs at least "
            f"{min_libraries_within} such libraries and 4 libraries in all"
        )
        return res
    m["x_between"] = m.groupby("library")["staff_mean"].transform("mean")
    m["x_within"] = m["staff_mean"] - m["x_between"]
    if np.ptp(m["x_within"]) == 0:
        res.reason = "no library's staff index changed between periods; no within slope"
        return res
    if m["x_between"].groupby(m["library"]).first().nunique() < 2:
        res.reason = "every library has the same mean staff index; no between slope"
        return res
    m, dummies = _dummies(m, "period")
    df_w = len(m) - J - (T - 1) - 1
    df_b = J - 2
    if df_w < 1:
        res.reason = f"{len(m)} cells leave no residual df for the within slope"
        return res
    try:
        fit = _fit(
            m,
            ["x_within", "x_between", *dummies],
            "patron_mean",
            "patron_n",
            "patron_ss",
            reml,
            optimizers,
        )
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        # e.g. staff changes collinear with the period dummies: say why, do not crash.
        res.reason = f"the REWB model could not be fitted: {exc}"
        return res
    res.df_within, res.df_between = df_w, df_b
    bw, bb = float(fit.params["x_within"]), float(fit.params["x_between"])
    sw = float(np.sqrt(fit.cov.loc["x_within", "x_within"]))
    sb = float(np.sqrt(fit.cov.loc["x_between", "x_between"]))
    iw, ib = t_inference(bw, sw, df_w, confidence), t_inference(bb, sb, df_b, confidence)
    res.beta_within, res.se_within, res.t_within, res.p_within = bw, sw, iw["t"], iw["p"]
    res.ci_within_low, res.ci_within_high = iw["ci_low"], iw["ci_high"]
    res.beta_between, res.se_between, res.t_between, res.p_between = bb, sb, ib["t"], ib["p"]
    res.ci_between_low, res.ci_between_high = ib["ci_low"], ib["ci_high"]
    # Contrast b_B - b_W as a numeric vector over the fixed effects (STATISTICS.md §4:
    # statsmodels' t_test rejects string constraints for MixedLM; here we own the covariance).
    L = np.zeros(len(fit.params))
    L[list(fit.params.index).index("x_between")] = 1.0
    L[list(fit.params.index).index("x_within")] = -1.0
    ctx = float(L @ fit.params.to_numpy())
    ctx_se = float(np.sqrt(L @ fit.cov.to_numpy() @ L))
    ic = t_inference(ctx, ctx_se, df_w, confidence)
    res.contextual, res.contextual_se, res.contextual_t, res.contextual_p = (
        ctx,
        ctx_se,
        ic["t"],
        ic["p"],
    )
    res.contextual_ci_low, res.contextual_ci_high = ic["ci_low"], ic["ci_high"]
    res.tau00, res.sigma2, res.tau_lp = fit.tau00, fit.sigma2, fit.tau_lp
    res.converged, res.optimizer, res.llf = fit.converged, fit.optimizer, fit.llf
    res.likelihood, res.fits, res.warnings = fit.likelihood, fit.fits, fit.warnings
    dfs = {t: (df_b if t in ("Intercept", "x_between") else df_w) for t in fit.params.index}
    res.fixed_effects = coefficient_table(fit.params, fit.cov, dfs, confidence)
    return res


# ----------------------------------------------------------------------------------------
# Lags
# ----------------------------------------------------------------------------------------


@dataclass
class LagDirection:
    """One direction of the lag model (see :func:`lagged_effects`)."""

    estimate: float
    se: float
    t: float | None
    df: int
    p: float | None
    ci_low: float | None
    ci_high: float | None
    std_estimate: float | None
    std_ci_low: float | None
    std_ci_high: float | None
    mean_coefficient: float
    n_libraries: int
    n_rows: int
    lag: int
    converged: bool
    optimizer: str
    likelihood: str
    pairs: list[tuple[str, str, str]]
    warnings: list[str]

    def as_dict(self) -> dict:
        """Plain dict; pairs as lists."""
        out = dict(self.__dict__)
        out["pairs"] = [list(p) for p in self.pairs]
        return out


@dataclass
class LaggedResult:
    """Both lag directions; a direction is None with its reason when it cannot be fitted."""

    lag: int = LAG_PERIODS
    periods: list[str] = field(default_factory=list)
    staff_to_patron: LagDirection | None = None
    patron_to_staff: LagDirection | None = None
    reason_staff_to_patron: str | None = None
    reason_patron_to_staff: str | None = None
    note: str = "association over time between consecutive periods, not proof of cause"

    def as_dict(self) -> dict:
        """JSON-serialisable dict."""
        out = dict(self.__dict__)
        for k in ("staff_to_patron", "patron_to_staff"):
            out[k] = None if out[k] is None else out[k].as_dict()
        return out


def _side_table(
    cells: pd.DataFrame, side: str, touchpoint: str | None, periods: list[str]
) -> pd.DataFrame:
    rows = side_cells(cells, side, touchpoint)
    d = pd.DataFrame(
        {
            "library": rows["library"].astype(str).to_numpy(),
            "period": rows["period"].astype(str).to_numpy(),
            "n": rows["n"].astype(int).to_numpy(),
            "mean": rows["mean"].astype(float).to_numpy(),
            "ss": rows["ss_within"].astype(float).to_numpy(),
        }
    )
    return d[d["period"].isin(periods)]


def _lag_direction(
    pred: pd.DataFrame,
    outc: pd.DataFrame,
    periods: list[str],
    pred_name: str,
    min_libraries: int,
    reml: bool,
    optimizers,
    confidence: float,
) -> tuple[LagDirection | None, str | None]:
    prev = {periods[i]: periods[i - 1] for i in range(1, len(periods))}
    n_pred_periods = int(pred["period"].nunique())
    if pred.empty or outc.empty:
        return None, f"{pred_name} measured in {n_pred_periods} periods; no consecutive pairs"
    # x̄_j over all of the library's predictor periods in the list (the between part).
    pbar = pred.groupby("library")["mean"].mean().rename("pred_mean")
    o = outc.copy()
    o["prev_period"] = (
        o["period"].map(prev).astype(object)
    )  # object even when no period has a predecessor
    lagged = pred.rename(columns={"period": "prev_period", "mean": "pred_lag"})[
        ["library", "prev_period", "pred_lag"]
    ]
    d = o.merge(lagged, on=["library", "prev_period"], how="inner").merge(pbar, on="library")
    if d.empty:
        return None, f"{pred_name} measured in {n_pred_periods} periods; no consecutive pairs"
    J = int(d["library"].nunique())
    if J < min_libraries:
        return None, (
            f"only {J} libraries have {pred_name} data followed by the other side in the next "
            f"period; at least {min_libraries} are needed"
        )
    d["pred_lag_within"] = d["pred_lag"] - d["pred_mean"]
    if np.ptp(d["pred_lag_within"]) == 0:
        return None, f"the lagged {pred_name} index does not vary within libraries"
    d, dummies = _dummies(d.sort_values(["library", "period"], ignore_index=True), "period")
    try:
        fit = _fit(
            d, ["pred_lag_within", "pred_mean", *dummies], "mean", "n", "ss", reml, optimizers
        )
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as exc:
        return None, f"the lag model could not be fitted: {exc}"
    est = float(fit.params["pred_lag_within"])
    se = float(np.sqrt(fit.cov.loc["pred_lag_within", "pred_lag_within"]))
    # HLM-style df for library-level terms with q = 2 (lagged deviation and library mean):
    # conservative, and right for T = 2 where the lag model is a cross-section of J.
    df = J - 3
    inf = t_inference(est, se, df, confidence)
    # Standardised: SD of the lagged predictor deviation over SD of the outcome cell means
    # over the rows used; the same rule in both directions so they can be compared.
    sd_x, sd_y = float(d["pred_lag_within"].std(ddof=1)), float(d["mean"].std(ddof=1))
    k = sd_x / sd_y if sd_y > 0 else np.nan
    std = {
        key: (None if inf[key] is None or not np.isfinite(k) else inf[key] * k)
        for key in ("ci_low", "ci_high")
    }
    return (
        LagDirection(
            estimate=est,
            se=se,
            t=inf["t"],
            df=df,
            p=inf["p"],
            ci_low=inf["ci_low"],
            ci_high=inf["ci_high"],
            std_estimate=est * k if np.isfinite(k) else None,
            std_ci_low=std["ci_low"],
            std_ci_high=std["ci_high"],
            mean_coefficient=float(fit.params["pred_mean"]),
            n_libraries=J,
            n_rows=len(d),
            lag=LAG_PERIODS,
            converged=fit.converged,
            optimizer=fit.optimizer,
            likelihood=fit.likelihood,
            pairs=list(zip(d["library"], d["prev_period"], d["period"], strict=True)),
            warnings=fit.warnings,
        ),
        None,
    )


def lagged_effects(
    cells: pd.DataFrame,
    periods: Sequence[str],
    *,
    touchpoint: str | None = None,
    min_libraries: int = 5,
    reml: bool = True,
    optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
    confidence: float = 0.95,
) -> LaggedResult:
    """Staff t-1 -> patrons t and patrons t-1 -> staff t, consecutive periods only.

    Parameters
    ----------
    cells : DataFrame
        The input contract.
    periods : sequence of str
        Every period of the calendar in order (e.g. ["2019", "2020", "2021"]). Two periods
        are consecutive only when adjacent in this list; a library missing a period has no
        lag pair across it (the model never jumps to "the next period with data"). Cells in
        periods not in the list are ignored.
    touchpoint : str or None
        Patron touchpoint; None = overall.
    min_libraries : int
        Libraries with a lag pair needed per direction (df = J - 3 must stay >= 2).
    reml, optimizers
        Passed to :func:`analysis.multilevel.fit_cell_model`.
    confidence : float

    Returns
    -------
    LaggedResult
        ``lag`` (1 period), ``periods``, ``staff_to_patron`` and ``patron_to_staff``
        (:class:`LagDirection` with ``estimate`` (raw-scale coefficient of the lagged
        within-library deviation), ``se``, ``t``, ``df`` (J - 3), ``p``, ``ci_low``,
        ``ci_high``, ``std_estimate``/``std_ci_low``/``std_ci_high`` (times SD of the
        lagged deviation / SD of the outcome cell means), ``mean_coefficient``,
        ``n_libraries``, ``n_rows``, ``lag``, ``converged``, ``optimizer``, ``likelihood``,
        ``pairs`` ((library, period t-1, period t)), ``warnings``), or None with
        ``reason_staff_to_patron`` / ``reason_patron_to_staff``, and ``note``.
    """
    per = [str(p) for p in periods]
    if len(set(per)) != len(per):
        raise ValueError("periods must not repeat")
    res = LaggedResult(periods=per)
    min_libraries = max(min_libraries, 5)
    staff = _side_table(cells, "staff", None, per)
    patron = _side_table(cells, "patron", touchpoint, per)
    res.staff_to_patron, res.reason_staff_to_patron = _lag_direction(
        staff, patron, per, "staff", min_libraries, reml, optimizers, confidence
    )
    res.patron_to_staff, res.reason_patron_to_staff = _lag_direction(
        patron, staff, per, "patron", min_libraries, reml, optimizers, confidence
    )
    return res
