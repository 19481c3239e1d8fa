"""The multilevel model on cells, fitted exactly from library-period sufficient statistics.

docs/statistics.md §8. Patrons i are nested in library-periods (j, t) nested in libraries j:

    y_ijt = x_jt' beta + u_j + v_jt + e_ijt,
    u_j ~ N(0, tau00), v_jt ~ N(0, tau_lp), e_ijt ~ N(0, sigma2),

with every predictor constant within a library-period cell (library staff index, centred
library controls, period dummies). Then (n_jt, mean_jt, ss_within_jt) are sufficient: an
orthogonal (Helmert) rotation inside each cell splits the n_jt patron scores into n_jt - 1
within-cell contrasts, i.i.d. N(0, sigma2) with sum of squares ss_within_jt, and the cell mean,
so library j contributes

    -1/2 [ (N_j - T_j) log(2 pi sigma2) + SS_j / sigma2 + sum_t log n_jt
           + log(2 pi) T_j + log|V_j| + r_j' V_j^{-1} r_j ],
    V_j = diag(sigma2 / n_jt + tau_lp) + tau00 * 1 1',

where r_j are the cell-mean residuals (the sum_t log n_jt term is the Jacobian of the
rotation, kept so that ``llf`` equals the row-level log-likelihood statsmodels reports).
V_j^{-1} and log|V_j| follow from Sherman-Morrison, so one evaluation costs O(cells).
REML adds -1/2 log|X' V^{-1} X| and uses N - p in the 2 pi constant (Harville 1977, JASA
72(358), https://doi.org/10.1080/01621459.1977.10480998 ; the same criterion as
statsmodels MixedLM and lme4). Raudenbush & Bryk (2002, ch. 3-4) fit this model to the same
sufficient statistics in HLM.

Fixed effects are the GLS estimate given the variance estimates; their covariance is
(X' V^{-1} X)^{-1} (HLM/lme4 convention, ``fe_cov="expected"``) or the inverse observed
information over fixed effects and variances jointly (statsmodels' convention,
``fe_cov="observed"``). The guard (:func:`select_fit`) chooses one fit among several
optimisers. The models built on this fit are in ``analysis.multilevel`` (means as outcomes) and
``analysis.within_between`` (within/between, lags).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize

__all__ = [
    "DEFAULT_OPTIMIZERS",
    "LIKELIHOOD_EXACT",
    "LIKELIHOOD_MEANS",
    "CellModelFit",
    "VarianceFit",
    "FitCandidate",
    "fit_cell_model",
    "select_fit",
]

# Powell first (the robust one at every forum size), then two with different search
# logic. L-BFGS-B runs on the standard-deviation scale with bounds at 0, so it can land
# exactly on the boundary; the other two run on log-variances and stay interior.
DEFAULT_OPTIMIZERS: tuple[str, ...] = ("powell", "nelder-mead", "l-bfgs-b")


# ----------------------------------------------------------------------------------------
# The guard: choose among fits from several optimisers
# ----------------------------------------------------------------------------------------


@dataclass
class FitCandidate:
    """One optimiser's fit, as the guard sees it.

    ``variances`` maps variance-parameter names to estimates (residual included);
    ``fe_cov`` is the covariance matrix of the fixed effects (or None when unavailable);
    ``payload`` carries the optimiser's own result object.
    """

    optimizer: str
    llf: float
    converged: bool
    variances: dict[str, float]
    fe_cov: np.ndarray | None = None
    payload: Any = None
    message: str = ""


def _is_pd(mat: np.ndarray | None) -> bool:
    if mat is None:
        return False
    a = np.asarray(mat, dtype=float)
    if a.size == 0:
        return True
    if not np.all(np.isfinite(a)):
        return False
    return bool(np.linalg.eigvalsh((a + a.T) / 2).min() > 0)


def select_fit(
    candidates: Sequence[FitCandidate],
    *,
    boundary_rtol: float = 1e-6,
    llf_tol: float = 1e-3,
) -> tuple[FitCandidate | None, pd.DataFrame]:
    """Pick one fit from several optimisers (the guard of docs/statistics.md §8).

    Rules, in order: (1) discard a fit with a non-finite ``llf``; (2) discard a fit with a
    negative or non-finite variance or a fixed-effect covariance that is not positive
    definite; (3) discard a fit with a variance on the boundary (``<= boundary_rtol`` times
    the sum of its variances) when a valid interior fit exists whose ``llf`` is no more
    than ``llf_tol`` below it (statsmodels' lbfgs was seen returning ``llf = inf`` with a
    zero variance and ``converged=True``; a genuine boundary optimum clearly beats every
    interior fit and is then kept); (4) keep the maximum ``llf``, preferring a converged
    fit among those within ``llf_tol`` of the best.

    Parameters
    ----------
    candidates : sequence of FitCandidate
    boundary_rtol, llf_tol : float
        Tolerances for rules (3) and (4).

    Returns
    -------
    chosen : FitCandidate or None
        None when no candidate survives rules (1)-(2).
    table : DataFrame
        One row per candidate: ``optimizer``, ``llf``, ``converged``, ``boundary``
        (comma-separated names of variances on the boundary), ``status`` ("chosen",
        "valid, not chosen", or "discarded: <reason>"), ``message``.
    """
    rows = []
    valid: list[tuple[int, FitCandidate, list[str]]] = []
    for i, c in enumerate(candidates):
        var = {k: float(v) for k, v in c.variances.items()}
        total = sum(abs(v) for v in var.values() if np.isfinite(v))
        boundary = [k for k, v in var.items() if np.isfinite(v) and v <= boundary_rtol * total]
        status = None
        if not np.isfinite(c.llf):
            status = "discarded: non-finite llf"
        elif any((not np.isfinite(v)) or v < 0 for v in var.values()):
            status = "discarded: negative or non-finite variance"
        elif not _is_pd(c.fe_cov):
            status = "discarded: fixed-effect covariance not positive definite"
        else:
            valid.append((i, c, boundary))
        rows.append(
            {
                "optimizer": c.optimizer,
                "llf": float(c.llf),
                "converged": bool(c.converged),
                "boundary": ",".join(boundary),
                "status": status,
                "message": c.message,
            }
        )
    chosen_i = None
    if valid:
        interior = [(i, c) for i, c, b in valid if not b]
        keep = []
        for i, c, b in valid:
            if b and any(ci.llf >= c.llf - llf_tol for _, ci in interior):
                rows[i]["status"] = (
                    "discarded: variance on the boundary; a valid interior fit exists"
                )
            else:
                keep.append((i, c))
        best = max(c.llf for _, c in keep)
        near = [(i, c) for i, c in keep if c.llf >= best - llf_tol]
        conv = [(i, c) for i, c in near if c.converged]
        pool = conv or near
        chosen_i = max(pool, key=lambda ic: ic[1].llf)[0]
        for i, _ in keep:
            rows[i]["status"] = "chosen" if i == chosen_i else "valid, not chosen"
    table = pd.DataFrame(
        rows, columns=["optimizer", "llf", "converged", "boundary", "status", "message"]
    )
    return (candidates[chosen_i] if chosen_i is not None else None), table


# ----------------------------------------------------------------------------------------
# Exact likelihood on cell sufficient statistics
# ----------------------------------------------------------------------------------------


@dataclass
class _Cells:
    group: np.ndarray  # library code per cell
    labels: list[str]
    n: np.ndarray
    y: np.ndarray
    ss: np.ndarray  # 0 where unknown; has_ss says which
    has_ss: np.ndarray
    X: np.ndarray
    names: list[str]
    G: np.ndarray  # J x C indicator
    names_var: list[str]
    n_obs: float
    log_n_ss: float
    df_within: float


def _quad_pieces(c: _Cells, sigma2: float, tau00: float, tau_lp: float):
    d = sigma2 / c.n + tau_lp
    w = 1.0 / d
    s = c.G @ w
    cj = tau00 / (1.0 + tau00 * s)
    logdet = float(np.log(d).sum() + np.log1p(tau00 * s).sum())
    wX = c.X * w[:, None]
    a = c.G @ wX
    xtvx = c.X.T @ wX - (a * cj[:, None]).T @ a
    by = c.G @ (w * c.y)
    xtvy = wX.T @ c.y - (a * cj[:, None]).T @ by
    ytvy = float(w @ (c.y * c.y) - cj @ (by * by))
    return logdet, xtvx, xtvy, ytvy


def _unpack(c: _Cells, var: np.ndarray) -> tuple[float, float, float]:
    vals = dict(zip(c.names_var, var, strict=True))
    return vals["sigma2"], vals.get("tau00", 0.0), vals.get("tau_lp", 0.0)


def _loglik(c: _Cells, var: np.ndarray, reml: bool, beta: np.ndarray | None = None):
    """Log-likelihood at variances ``var``; beta = GLS estimate unless given."""
    sigma2, tau00, tau_lp = _unpack(c, var)
    if sigma2 <= 0 or tau00 < 0 or tau_lp < 0:
        return -np.inf, None, None
    logdet, xtvx, xtvy, ytvy = _quad_pieces(c, sigma2, tau00, tau_lp)
    sign, logdet_x = np.linalg.slogdet(xtvx)
    if sign <= 0:
        return -np.inf, None, None
    if beta is None:
        beta = np.linalg.solve(xtvx, xtvy)
        quad = ytvy - float(xtvy @ beta)
    else:
        quad = ytvy - 2 * float(beta @ xtvy) + float(beta @ xtvx @ beta)
    within = c.df_within * math.log(sigma2) + float(c.ss[c.has_ss].sum()) / sigma2
    p = c.X.shape[1]
    n_const = c.n_obs - p if reml else c.n_obs
    val = n_const * math.log(2 * math.pi) + within + c.log_n_ss + logdet + quad
    if reml:
        val += logdet_x
    return -0.5 * val, beta, xtvx


def _start_values(c: _Cells) -> np.ndarray:
    beta_ols, *_ = np.linalg.lstsq(c.X, c.y, rcond=None)
    resid_var = float(np.var(c.y - c.X @ beta_ols)) or 1.0
    if c.df_within > 0:
        sigma2 = float(c.ss[c.has_ss].sum()) / c.df_within
    else:
        sigma2 = resid_var / 2
    sigma2 = max(sigma2, 1e-6 * resid_var, 1e-12)
    noise = float(np.mean(sigma2 / c.n))
    share = max(resid_var - noise, 0.1 * resid_var)
    start = {"sigma2": sigma2, "tau00": share / 2, "tau_lp": share / 2}
    return np.array([start[k] for k in c.names_var])


def _run_optimizer(c: _Cells, method: str, reml: bool, start: np.ndarray) -> FitCandidate:
    method_l = method.lower()
    if method_l in ("powell", "nelder-mead"):
        # Floor the log-variances far below any meaningful value: a variance whose optimum
        # is 0 then sits on a flat floor instead of sending the simplex towards -inf.
        floor = np.log(start.sum() * 1e-10)

        def obj(phi):
            return -_loglik(c, np.exp(np.maximum(phi, floor)), reml)[0]

        opts = (
            {"xtol": 1e-6, "ftol": 1e-11, "maxfev": 4000 * len(start)}
            if method_l == "powell"
            else {"xatol": 1e-6, "fatol": 1e-10, "maxiter": 2000 * len(start), "adaptive": True}
        )
        r = optimize.minimize(obj, np.log(start), method=method_l, options=opts)
        var = np.exp(np.maximum(r.x, floor))
    elif method_l == "l-bfgs-b":
        # sd scale with bounds: variances may reach exactly 0 (the residual keeps a floor).
        def obj_sd(s):
            return -_loglik(c, s * s, reml)[0]

        bounds = [(1e-8, None) if n == "sigma2" else (0.0, None) for n in c.names_var]
        r = optimize.minimize(
            obj_sd,
            np.sqrt(start),
            method="L-BFGS-B",
            bounds=bounds,
            options={"ftol": 1e-13, "gtol": 1e-8, "maxiter": 5000},
        )
        var = r.x * r.x
    else:
        raise ValueError(f"unknown optimizer {method!r}; use powell, nelder-mead or l-bfgs-b")
    llf, beta, xtvx = _loglik(c, var, reml)
    fe_cov = None
    if xtvx is not None and np.all(np.isfinite(xtvx)):
        sign, _ = np.linalg.slogdet(xtvx)
        if sign > 0:
            fe_cov = np.linalg.inv(xtvx)
    return FitCandidate(
        optimizer=method_l,
        llf=float(llf),
        converged=bool(r.success),
        variances=dict(zip(c.names_var, (float(v) for v in var), strict=True)),
        fe_cov=fe_cov,
        payload={"beta": beta, "nfev": int(getattr(r, "nfev", -1))},
        message=str(r.message),
    )


def _observed_fe_cov(c: _Cells, var: np.ndarray, beta: np.ndarray, reml: bool, free: list[int]):
    """Inverse observed information over (beta, log variances), fixed-effect block.

    At the optimum this block does not depend on how the variances are parameterised, so it
    reproduces statsmodels' ``bse_fe`` (which inverts its full Hessian). Cross derivatives
    use central differences of the analytic score in beta.
    """
    p = len(beta)
    sigma2, tau00, tau_lp = _unpack(c, var)
    _, xtvx, _, _ = _quad_pieces(c, sigma2, tau00, tau_lp)
    k = len(free)
    H = np.zeros((p + k, p + k))
    H[:p, :p] = -xtvx
    phi0 = np.log(var)
    h = 1e-4

    def score_beta(phi):
        _, xv, xy, _ = _quad_pieces(c, *_unpack(c, np.exp(phi)))
        return xy - xv @ beta

    def f(phi):
        return _loglik(c, np.exp(phi), reml, beta=beta)[0]

    f0 = f(phi0)
    for a, ia in enumerate(free):
        e_a = np.zeros_like(phi0)
        e_a[ia] = h
        col = (score_beta(phi0 + e_a) - score_beta(phi0 - e_a)) / (2 * h)
        H[:p, p + a] = H[p + a, :p] = col
        for b, ib in enumerate(free[: a + 1]):
            if a == b:
                val = (f(phi0 + e_a) - 2 * f0 + f(phi0 - e_a)) / (h * h)
            else:
                e_b = np.zeros_like(phi0)
                e_b[ib] = h
                val = (
                    f(phi0 + e_a + e_b)
                    - f(phi0 + e_a - e_b)
                    - f(phi0 - e_a + e_b)
                    + f(phi0 - e_a - e_b)
                ) / (4 * h * h)
            H[p + a, p + b] = H[p + b, p + a] = val
    return np.linalg.inv(-H)[:p, :p]


@dataclass
class VarianceFit:
    """The variance components and optimizer record every result built on a cell-model fit
    reports (the multilevel model and the REWB decomposition): ``tau00``, ``sigma2``,
    ``tau_lp`` (None when not fitted), ``converged``, ``optimizer`` and ``llf``."""

    tau00: float | None = None
    sigma2: float | None = None
    tau_lp: float | None = None
    converged: bool | None = None
    optimizer: str | None = None
    llf: float | None = None

    def take_fit(self, fit) -> None:
        """Copy those six fields from ``fit`` (a :class:`CellModelFit` or anything with them)."""
        for name in ("tau00", "sigma2", "tau_lp", "converged", "optimizer", "llf"):
            setattr(self, name, getattr(fit, name))


@dataclass
class CellModelFit:
    """Result of :func:`fit_cell_model`.

    Fields: ``params`` (Series of fixed effects), ``cov`` (DataFrame, their covariance),
    ``sigma2``, ``tau00``, ``tau_lp`` (None when not fitted), ``llf``, ``reml``,
    ``converged``, ``optimizer``, ``boundary`` (names of variances on the boundary),
    ``fits`` (the guard's table), ``likelihood`` (which likelihood was used),
    ``n_groups``, ``n_cells``, ``n_obs``, ``warnings``.
    """

    params: pd.Series
    cov: pd.DataFrame
    sigma2: float | None
    tau00: float | None
    tau_lp: float | None
    llf: float
    reml: bool
    converged: bool
    optimizer: str
    boundary: list[str]
    fits: pd.DataFrame
    likelihood: str
    n_groups: int
    n_cells: int
    n_obs: float
    warnings: list[str] = field(default_factory=list)


LIKELIHOOD_EXACT = "exact: patron rows reconstructed from cell n, mean and ss_within"
LIKELIHOOD_MEANS = (
    "cell means only (no ss_within): cell means modelled with one homoscedastic cell-level "
    "residual variance that absorbs patron sampling error; sigma2 not separable"
)


def fit_cell_model(
    cells: pd.DataFrame,
    x_columns: Sequence[str],
    *,
    y: str = "mean",
    n: str = "n",
    ss: str = "ss_within",
    group: str = "library",
    intercept: bool = True,
    reml: bool = True,
    fit_tau_lp: bool | None = None,
    optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
    fe_cov: str = "expected",
) -> CellModelFit:
    """Fit the random-intercept model exactly from cell sufficient statistics.

    Parameters
    ----------
    cells : DataFrame
        One row per cell (e.g. library-period) with the columns named below. Every
        predictor must be constant within a cell.
    x_columns : sequence of str
        Predictor columns (an intercept is added when ``intercept``).
    y, n, ss, group : str
        Column names of the cell mean, respondent count, within-cell sum of squares
        (NaN = unknown) and the grouping unit (library).
    reml : bool
        REML (default) or ML.
    fit_tau_lp : bool or None
        Fit a cell-level (library-period) variance. None = fit it when some group has two
        or more cells (with one cell per group it is not separable from ``tau00``).
    optimizers : sequence of str
        Any of "powell", "nelder-mead", "l-bfgs-b"; every one is run and
        :func:`select_fit` picks the fit.
    fe_cov : {"expected", "observed"}
        Covariance of fixed effects: (X'V^-1 X)^-1, or the inverse observed information
        (statsmodels' convention; needs an interior optimum, else falls back to expected).

    Returns
    -------
    CellModelFit
        See the class docstring. When no cell has a usable ``ss`` (n >= 2 and finite),
        ``sigma2`` cannot be separated from the cell-level variance: the model is then fitted
        to the cell means with n set to 1 (``likelihood`` says so), ``sigma2`` is None and
        ``tau_lp`` is the cell-level residual variance.

    Raises
    ------
    ValueError
        For an unknown optimiser or ``fe_cov``, too few cells for the fixed effects, or a
        design that is not of full rank.
    """
    if fe_cov not in ("expected", "observed"):
        raise ValueError("fe_cov must be 'expected' or 'observed'")
    d = cells.reset_index(drop=True)
    codes, labels = pd.factorize(d[group].astype(str), sort=True)
    J = len(labels)
    X = d[list(x_columns)].to_numpy(dtype=float)
    names = list(x_columns)
    if intercept:
        X = np.column_stack([np.ones(len(d)), X])
        names = ["Intercept", *names]
    if len(d) <= X.shape[1] or np.linalg.matrix_rank(X) < X.shape[1]:
        raise ValueError(
            f"{len(d)} cells cannot identify {X.shape[1]} fixed effects (or the design is not of full rank)"
        )
    nn = d[n].to_numpy(dtype=float)
    yy = d[y].to_numpy(dtype=float)
    ssv = d[ss].to_numpy(dtype=float) if ss in d.columns else np.full(len(d), np.nan)
    has_ss = np.isfinite(ssv) & (nn >= 2)
    notes: list[str] = []
    if has_ss.any():
        likelihood = LIKELIHOOD_EXACT
        if not has_ss.all():
            notes.append(
                f"{int((~has_ss).sum())} of {len(d)} cells lack ss_within: they enter through "
                "their means only, and sigma2 is estimated from the other cells"
            )
    else:
        likelihood = LIKELIHOOD_MEANS
        nn = np.ones(len(d))
    G = np.zeros((J, len(d)))
    G[codes, np.arange(len(d))] = 1.0
    multi = bool((np.bincount(codes, minlength=J) >= 2).any())
    names_var = ["sigma2", "tau00"]
    if likelihood == LIKELIHOOD_EXACT and (fit_tau_lp if fit_tau_lp is not None else multi):
        if not multi:
            raise ValueError("tau_lp needs at least one group with two or more cells")
        names_var.append("tau_lp")
    if likelihood == LIKELIHOOD_MEANS and not multi:
        raise ValueError(
            "no ss_within and one cell per group: the group and residual variances are not "
            "separable; use a library-level regression on the means instead"
        )
    c = _Cells(
        group=codes,
        labels=[str(v) for v in labels],
        n=nn,
        y=yy,
        ss=np.where(has_ss, ssv, 0.0),
        has_ss=has_ss,
        X=X,
        names=names,
        G=G,
        names_var=names_var,
        n_obs=float(nn[has_ss].sum() + (~has_ss).sum()),
        log_n_ss=float(np.log(nn[has_ss]).sum()),
        df_within=float((nn[has_ss] - 1).sum()),
    )
    start = _start_values(c)
    cands = []
    for m in optimizers:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            cand = _run_optimizer(c, m, reml, start)
        if caught:
            cand.message += "; warnings: " + "; ".join(str(w.message) for w in caught)
        cands.append(cand)
    chosen, table = select_fit(cands)
    if chosen is None:
        raise FloatingPointError(
            "no optimiser produced a valid fit: " + "; ".join(table["status"].astype(str))
        )
    var = np.array([chosen.variances[k] for k in names_var])
    llf, beta, xtvx = _loglik(c, var, reml)
    cov = np.linalg.inv(xtvx)
    total = var.sum()
    boundary = [k for k, v in zip(names_var, var, strict=True) if v <= 1e-6 * total]
    if fe_cov == "observed":
        free = [i for i, k in enumerate(names_var) if k not in boundary]
        if len(free) == len(names_var):
            cov = _observed_fe_cov(c, var, beta, reml, free)
        else:
            notes.append("observed-information covariance needs an interior optimum; expected used")
    for b in boundary:
        notes.append(f"{b} estimated at the boundary (about 0)")
    if not chosen.converged:
        notes.append(f"optimiser {chosen.optimizer} did not report convergence: {chosen.message}")
    vals = dict(zip(names_var, var, strict=True))
    if likelihood == LIKELIHOOD_MEANS:
        sigma2, tau_lp = None, float(vals["sigma2"])
    else:
        sigma2, tau_lp = (
            float(vals["sigma2"]),
            (float(vals["tau_lp"]) if "tau_lp" in vals else None),
        )
    return CellModelFit(
        params=pd.Series(beta, index=names),
        cov=pd.DataFrame(cov, index=names, columns=names),
        sigma2=sigma2,
        tau00=float(vals["tau00"]),
        tau_lp=tau_lp,
        llf=float(llf),
        reml=reml,
        converged=bool(chosen.converged),
        optimizer=chosen.optimizer,
        boundary=boundary,
        fits=table,
        likelihood=likelihood,
        n_groups=J,
        n_cells=len(d),
        n_obs=c.n_obs,
        warnings=notes,
    )
