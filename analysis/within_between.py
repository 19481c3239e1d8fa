"""Within- vs between-library effects (REWB / Mundlak) and lagged models in both directions.

docs/statistics.md §9-10. For library j in period t with staff index x_jt (matched with a patron
cell), x̄_j is the library's unweighted mean over its matched periods and x̃_jt = x_jt - x̄_j.
The REWB model (Bell & Jones 2015, PSRM 3(1), https://doi.org/10.1017/psrm.2014.7 ; Bell,
Fairbrother & Jones 2019, Qual. Quant. 53, https://doi.org/10.1007/s11135-018-0802-x ) is

    y_ijt = b0 + b_W x̃_jt + b_B x̄_j + period_t + u_j + v_jt + e_ijt,

fitted exactly from the patron cells' (n, mean, ss_within) with
:func:`analysis.cell_model.fit_cell_model` (patron sampling error, library-period and library
variance are separated; the cell-level v_jt plays the part of e_jt in the paper). b_W equals
the fixed-effects (demeaned) slope; b_B - b_W is Mundlak's contextual effect.

Lags (§5) count distance on the ``period_length`` calendar (``analysis.calendar``), one fixed
distance L per analysis, reported with the number of pairs at every distance:
staff_to_patron y_jt ~ x̃_{j,t-L} + x̄_j + period_t (+ u_j) and patron_to_staff
x_jt ~ ỹ_{j,t-L} + ȳ_j + period_t (+ u_j). No lagged outcome is added (Nickell 1981 bias
with T <= 8). Association over time, never proof of cause.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from servicemirror.analysis.association import matched_cells, side_cells
from servicemirror.analysis.calendar import PERIOD_LENGTHS, UNIT_NAMES, calendar_steps
from servicemirror.analysis.cell_model import DEFAULT_OPTIMIZERS, VarianceFit, fit_cell_model
from servicemirror.analysis.inference import coefficient_table, result_dict, t_inference

__all__ = [
    "LagDirection",
    "LaggedResult",
    "WithinBetweenResult",
    "choose_lag",
    "lagged_effects",
    "within_between",
]


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
class WithinBetweenResult(VarianceFit):
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
    contextual_df: int | None = None
    likelihood: str | None = None
    n_libraries: int = 0
    n_libraries_within: int = 0
    n_periods: int = 0
    n_cells: int = 0
    df_rule: str = (
        "within and period effects: residual df of the equivalent fixed-effects regression, "
        "cells - J - (periods - 1) - 1; between, intercept and contextual (between - within): "
        "J - 2 (HLM's J - q - 1 with q = 1)"
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
        Passed to :func:`analysis.cell_model.fit_cell_model`.
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
        df_between = J - 2: its SE is driven by the between part), variance estimates ``tau00``, ``sigma2``, ``tau_lp``, ``converged``,
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
    # Contrast b_B - b_W as a numeric vector over the fixed effects (docs/statistics.md §9:
    # statsmodels' t_test rejects string constraints for MixedLM; here we own the covariance).
    L = np.zeros(len(fit.params))
    L[list(fit.params.index).index("x_between")] = 1.0
    L[list(fit.params.index).index("x_within")] = -1.0
    ctx = float(L @ fit.params.to_numpy())
    ctx_se = float(np.sqrt(L @ fit.cov.to_numpy() @ L))
    # The contrast's SE is driven by the between part (J library means), so it is tested on
    # the between df J - 2, not on the within df (which over-rejected: 0.10 at J = 15, T = 6).
    ic = t_inference(ctx, ctx_se, df_b, confidence)
    res.contextual, res.contextual_se, res.contextual_t, res.contextual_p = (
        ctx,
        ctx_se,
        ic["t"],
        ic["p"],
    )
    res.contextual_ci_low, res.contextual_ci_high = ic["ci_low"], ic["ci_high"]
    res.contextual_df = df_b
    res.take_fit(fit)
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
    sd_within_predictor: float | None
    sd_within_outcome: float | None
    mean_coefficient: float
    n_libraries: int
    n_rows: int
    lag: int
    pair_counts: dict[str, int]
    converged: bool
    optimizer: str
    likelihood: str
    pairs: list[tuple[str, str, str]]
    warnings: list[str]

    def as_dict(self) -> dict:
        """Plain dict; pairs as lists."""
        out = dict(self.__dict__)
        out["pairs"] = [list(p) for p in self.pairs]
        out["pair_counts"] = dict(self.pair_counts)
        return out


@dataclass
class LaggedResult:
    """Both lag directions; a direction is None with its reason when it cannot be fitted.

    ``lag`` is the calendar distance (in ``period_length`` units) the models use, None when
    no distance could be fixed; ``pair_counts`` counts, over both directions, the pairs (a
    predictor period followed by the library's next outcome period) at each distance.
    """

    lag: int | None = None
    period_length: str = "year"
    unit: str = UNIT_NAMES["year"]
    periods: list[str] = field(default_factory=list)
    pair_counts: dict[str, int] = field(default_factory=dict)
    staff_to_patron: LagDirection | None = None
    patron_to_staff: LagDirection | None = None
    reason_staff_to_patron: str | None = None
    reason_patron_to_staff: str | None = None
    note: str = "association over time between periods one fixed calendar distance apart, not proof of cause"

    def as_dict(self) -> dict:
        """JSON-serialisable dict."""
        out = dict(self.__dict__)
        for k in ("staff_to_patron", "patron_to_staff"):
            out[k] = None if out[k] is None else out[k].as_dict()
        out["pair_counts"] = dict(self.pair_counts)
        return out


def _side_table(
    cells: pd.DataFrame, side: str, touchpoint: str | None, steps: dict[str, int]
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
    d = d[d["period"].isin(steps)].copy()
    d["step"] = d["period"].map(steps).astype(int)
    return d


def _candidate_pairs(pred: pd.DataFrame, outc: pd.DataFrame) -> pd.DataFrame:
    """Each outcome cell with the library's latest earlier predictor cell and their distance.

    The distance is counted on the calendar (steps), so a library measured in 2019 and 2021
    gives a two-step pair, never a one-step pair, whatever other libraries or years hold.
    """
    if pred.empty or outc.empty:
        return pd.DataFrame(columns=["library", "period", "prev_period", "distance"])
    both = outc[["library", "period", "step"]].merge(
        pred[["library", "period", "step"]].rename(
            columns={"period": "prev_period", "step": "prev_step"}
        ),
        on="library",
    )
    both = both[both["prev_step"] < both["step"]]
    latest = both.groupby(["library", "period"])["prev_step"].transform("max")
    both = both[both["prev_step"] == latest].copy()
    both["distance"] = (both["step"] - both["prev_step"]).astype(int)
    return both[["library", "period", "prev_period", "distance"]].reset_index(drop=True)


def _within_sd(table: pd.DataFrame, libraries: set[str]) -> float | None:
    """Pooled within-library SD of one side's cell means over the libraries in the model.

    sqrt(sum (x_jt - x̄_j)^2 / (N - J')), J' = libraries with 2 or more cells: the SD of
    change within a library, the scale on which both lag directions are expressed.
    """
    d = table[table["library"].isin(libraries)]
    sizes = d.groupby("library")["mean"].transform("size")
    d = d[sizes >= 2]
    dof = len(d) - d["library"].nunique()
    if dof < 1:
        return None
    dev = d["mean"] - d.groupby("library")["mean"].transform("mean")
    sd = float(np.sqrt(np.sum(dev.to_numpy() ** 2) / dof))
    return sd if sd > 0 else None


def _lag_direction(
    pred: pd.DataFrame,
    outc: pd.DataFrame,
    pairs: pd.DataFrame,
    lag: int,
    pred_name: str,
    min_libraries: int,
    reml: bool,
    optimizers,
    confidence: float,
    unit: str,
) -> tuple[LagDirection | None, str | None]:
    n_pred_periods = int(pred["period"].nunique())
    counts = {str(k): int(v) for k, v in pairs["distance"].value_counts().sort_index().items()}
    use = pairs[pairs["distance"] == lag]
    if use.empty:
        return None, (
            f"{pred_name} measured in {n_pred_periods} periods; no pairs {lag} {unit}"
            f"{'s' if lag != 1 else ''} apart"
            + (
                f" (pairs by distance: {', '.join(f'{k}: {v}' for k, v in counts.items())})"
                if counts
                else ""
            )
        )
    # x̄_j over all of the library's predictor periods on the calendar (the between part).
    pbar = pred.groupby("library")["mean"].mean().rename("pred_mean")
    lagged = pred.rename(columns={"period": "prev_period", "mean": "pred_lag"})[
        ["library", "prev_period", "pred_lag"]
    ]
    d = (
        outc.merge(use[["library", "period", "prev_period"]], on=["library", "period"])
        .merge(lagged, on=["library", "prev_period"])
        .merge(pbar, on="library")
    )
    J = int(d["library"].nunique())
    if J < min_libraries:
        return None, (
            f"only {J} libraries have {pred_name} data followed by the other side {lag} {unit}"
            f"{'s' if lag != 1 else ''} later; at least {min_libraries} are needed"
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
    # Standardised with the within-library SD on both sides (change of one within-library SD
    # in the predictor -> change in within-library SDs of the outcome), so staff -> patron and
    # patron -> staff are on one scale and can be compared.
    libs = set(d["library"])
    sd_x, sd_y = _within_sd(pred, libs), _within_sd(outc, libs)
    k = sd_x / sd_y if sd_x is not None and sd_y is not None else np.nan
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
            sd_within_predictor=sd_x,
            sd_within_outcome=sd_y,
            mean_coefficient=float(fit.params["pred_mean"]),
            n_libraries=J,
            n_rows=len(d),
            lag=lag,
            pair_counts=counts,
            converged=fit.converged,
            optimizer=fit.optimizer,
            likelihood=fit.likelihood,
            pairs=list(zip(d["library"], d["prev_period"], d["period"], strict=True)),
            warnings=fit.warnings,
        ),
        None,
    )


def choose_lag(counts: dict[int, int]) -> int | None:
    """The calendar distance the lag models use: the one with the most pairs, ties to the shorter.

    Yearly data give 1; surveys every other year give 2 (reported as such, never as 1); a mix
    (2019, 2020, 2022) uses the distance most pairs have and counts the others as left out.
    """
    if not counts:
        return None
    return min(counts, key=lambda d: (-counts[d], d))


def lagged_effects(
    cells: pd.DataFrame,
    period_length: str = "year",
    *,
    touchpoint: str | None = None,
    min_libraries: int = 5,
    reml: bool = True,
    optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
    confidence: float = 0.95,
) -> LaggedResult:
    """Staff t-L -> patrons t and patrons t-L -> staff t on the ``period_length`` calendar.

    Parameters
    ----------
    cells : DataFrame
        The input contract.
    period_length : {"year", "half", "quarter", "month"}
        The calendar of the period labels (the ``period_length`` setting). Each library's
        schedule is the periods it has data for, placed on this calendar; a pair is an outcome
        cell and the library's latest earlier predictor cell, and its distance is counted in
        calendar steps. The models use one fixed distance L (:func:`choose_lag`: the distance
        with most pairs over both directions); pairs at other distances are counted in
        ``pair_counts`` and left out (a two-year gap is never a one-step lag).
    touchpoint : str or None
        Patron touchpoint; None = overall.
    min_libraries : int
        Libraries with a lag pair needed per direction (df = J - 3 must stay >= 2).
    reml, optimizers
        Passed to :func:`analysis.cell_model.fit_cell_model`.
    confidence : float

    Returns
    -------
    LaggedResult
        ``lag`` (L in calendar steps), ``period_length``, ``unit``, ``periods`` (the labels on
        the calendar, in calendar order), ``pair_counts`` ({distance: pairs}, both directions),
        ``staff_to_patron`` and ``patron_to_staff`` (:class:`LagDirection` with ``estimate``
        (raw-scale coefficient of the lagged within-library deviation), ``se``, ``t``, ``df``
        (J - 3), ``p``, ``ci_low``, ``ci_high``, ``std_estimate``/``std_ci_low``/``std_ci_high``
        (times within-library SD of the predictor / within-library SD of the outcome),
        ``sd_within_predictor``, ``sd_within_outcome``, ``mean_coefficient``, ``n_libraries``,
        ``n_rows``, ``lag``, ``pair_counts`` (this direction), ``converged``, ``optimizer``,
        ``likelihood``, ``pairs`` ((library, period t-L, period t)), ``warnings``), or None with
        ``reason_staff_to_patron`` / ``reason_patron_to_staff``, and ``note``.
    """
    if period_length not in PERIOD_LENGTHS:
        raise ValueError(
            f"unknown period_length {period_length!r}; use one of {', '.join(PERIOD_LENGTHS)}"
        )
    unit = UNIT_NAMES[period_length]
    res = LaggedResult(period_length=period_length, unit=unit)
    min_libraries = max(min_libraries, 5)
    labels = cells["period"].astype(str).unique() if len(cells) else []
    steps, off = calendar_steps(labels, period_length)
    res.periods = sorted(steps, key=steps.get)
    if off:
        why = (
            f"period labels {', '.join(off[:3])}{' ...' if len(off) > 3 else ''} are not on the "
            f"{period_length} calendar; the distance between periods is unknown, so no lag is "
            "computed (set period_length to match the labels)"
        )
        res.reason_staff_to_patron = res.reason_patron_to_staff = why
        return res
    staff = _side_table(cells, "staff", None, steps)
    patron = _side_table(cells, "patron", touchpoint, steps)
    pairs_sp = _candidate_pairs(staff, patron)
    pairs_ps = _candidate_pairs(patron, staff)
    total = pd.concat([pairs_sp["distance"], pairs_ps["distance"]]).value_counts()
    res.pair_counts = {str(int(k)): int(v) for k, v in total.sort_index().items()}
    lag = choose_lag({int(k): int(v) for k, v in total.items()})
    if lag is None:
        for name, table, attr in (
            ("staff", staff, "reason_staff_to_patron"),
            ("patron", patron, "reason_patron_to_staff"),
        ):
            setattr(
                res,
                attr,
                f"{name} measured in {int(table['period'].nunique())} periods; "
                "no period is followed by a later one with the other side",
            )
        return res
    res.lag = lag
    res.staff_to_patron, res.reason_staff_to_patron = _lag_direction(
        staff, patron, pairs_sp, lag, "staff", min_libraries, reml, optimizers, confidence, unit
    )
    res.patron_to_staff, res.reason_patron_to_staff = _lag_direction(
        patron, staff, pairs_ps, lag, "patron", min_libraries, reml, optimizers, confidence, unit
    )
    return res
