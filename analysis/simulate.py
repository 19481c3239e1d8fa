"""Simulated forums for checking the pre-declared analyses (docs/statistics.md §11).

A forum is J libraries x T periods of staff and patron cells in the input contract of
``analysis.association``. Cell means and within sums of squares are drawn from their exact
sampling distributions (mean ~ N(mu, sigma^2/n), ss ~ sigma^2 chi^2_{n-1}), which is the same
as drawing n normal respondents and aggregating, at a fraction of the cost.

Data-generating model (0-100 index points):

    staff  library  S_j  = mu_s + a_j,            a_j ~ N(0, staff_tau)
           period   s_jt = S_j + v_jt,            v_jt ~ N(0, staff_tau_lp)
    patron library  P_j  = mu_p + beta_between a_j + u_j,      u_j ~ N(0, patron_tau)
           period   p_jt = P_j + beta_within v_jt + w_jt,       w_jt ~ N(0, patron_tau_lp)
    respondents: staff N(s_jt, staff_sigma^2), patrons N(p_jt, patron_sigma^2).

The estimators see noisy staff means, so their targets are attenuated versions of the
betas; :func:`true_targets` gives them in closed form (equal n per cell, balanced periods).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from servicemirror.analysis.association import library_correlation, library_points
from servicemirror.analysis.multilevel import DEFAULT_OPTIMIZERS, multilevel_means_as_outcomes
from servicemirror.analysis.within_between import lagged_effects, within_between

__all__ = [
    "ForumDesign",
    "acceptance_interval",
    "run_simulation",
    "simulate_forum",
    "summarise_simulation",
    "timed",
    "true_targets",
]


@dataclass(frozen=True)
class ForumDesign:
    """Parameters of a simulated forum (variances in squared index points)."""

    n_libraries: int = 15
    n_periods: int = 1
    staff_n: int = 20
    patron_n: int = 200
    mu_staff: float = 65.0
    mu_patron: float = 78.0
    staff_tau: float = 36.0
    staff_tau_lp: float = 9.0
    staff_sigma: float = 15.0
    patron_tau: float = 16.0
    patron_tau_lp: float = 4.0
    patron_sigma: float = 18.0
    beta_between: float = 0.0
    beta_within: float = 0.0
    period_step: int = 1  # calendar distance between survey periods (2 = every other year)


def simulate_forum(design: ForumDesign, rng: np.random.Generator) -> pd.DataFrame:
    """Draw one forum.

    Returns
    -------
    DataFrame
        The ``cells`` input contract: ``library``, ``period``, ``side``, ``n``, ``mean``,
        ``ss_within``, ``touchpoint`` (None), one row per library x period x side.
    """
    J, T = design.n_libraries, design.n_periods
    a = rng.normal(0, math.sqrt(design.staff_tau), J)
    u = rng.normal(0, math.sqrt(design.patron_tau), J)
    v = rng.normal(0, math.sqrt(design.staff_tau_lp), (J, T))
    w = rng.normal(0, math.sqrt(design.patron_tau_lp), (J, T))
    s_true = design.mu_staff + a[:, None] + v
    p_true = design.mu_patron + (design.beta_between * a + u)[:, None] + design.beta_within * v + w
    frames = []
    for side, truth, n, sigma in (
        ("staff", s_true, design.staff_n, design.staff_sigma),
        ("patron", p_true, design.patron_n, design.patron_sigma),
    ):
        mean = truth + rng.normal(0, sigma / math.sqrt(n), (J, T))
        ss = sigma**2 * rng.chisquare(n - 1, (J, T))
        frames.append(
            pd.DataFrame(
                {
                    "library": np.repeat([f"L{j:03d}" for j in range(J)], T),
                    "period": np.tile([str(2020 + design.period_step * t) for t in range(T)], J),
                    "side": side,
                    "n": n,
                    "mean": mean.ravel(),
                    "ss_within": ss.ravel(),
                    "touchpoint": None,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def true_targets(design: ForumDesign) -> dict[str, float]:
    """What each estimator estimates under ``design`` (equal n, balanced periods).

    Returns
    -------
    dict
        ``rho`` (correlation of the library points, unweighted period means),
        ``slope_library`` (regression of the library patron mean on the library staff
        mean: the multilevel slope and REWB's between slope), ``beta_within`` (REWB within
        slope = beta_within x reliability of within-library staff changes).
    """
    T = design.n_periods
    var_x = (
        design.staff_tau + design.staff_tau_lp / T + design.staff_sigma**2 / (design.staff_n * T)
    )
    cov = design.beta_between * design.staff_tau + design.beta_within * design.staff_tau_lp / T
    var_y = (
        design.beta_between**2 * design.staff_tau
        + design.patron_tau
        + design.beta_within**2 * design.staff_tau_lp / T
        + design.patron_tau_lp / T
        + design.patron_sigma**2 / (design.patron_n * T)
    )
    lam_w = design.staff_tau_lp / (design.staff_tau_lp + design.staff_sigma**2 / design.staff_n)
    within = design.beta_within * lam_w
    # Lags: with no within-library link (beta_within = 0) neither side's change predicts the
    # other's next change, whatever the between link; otherwise the within-centred lag
    # carries a small Nickell-type term (the library mean includes period t), so no closed form
    # is given and the lag intervals are checked under beta_within = 0 only.
    lag = 0.0 if design.beta_within == 0 else float("nan")
    return {
        "rho": cov / math.sqrt(var_x * var_y),
        "slope_library": cov / var_x,
        "beta_within": within,
        "contextual": cov / var_x - within,
        "lag": lag,
    }


def run_simulation(
    n_forums: int,
    design: ForumDesign,
    seed: int,
    *,
    n_permutations: int = 999,
    alpha: float = 0.05,
    lags: bool = True,
    optimizers: Sequence[str] = DEFAULT_OPTIMIZERS,
) -> pd.DataFrame:
    """Apply the pre-declared analyses (and the intervals the Hypothesis page shows) to forums.

    Returns
    -------
    DataFrame
        One row per forum: ``forum``, ``r``, ``r_ci_low``, ``r_ci_high``, ``p_permutation``,
        ``p_t``, ``p_fisher``, ``ml_slope``, ``ml_ci_low``, ``ml_ci_high``, ``ml_p``,
        ``ml_converged``; the REWB ``within``, ``between``, ``contextual`` each with
        ``_ci_low``, ``_ci_high``, ``_p`` (NaN when T = 1); with ``lags``, ``lag`` (calendar
        distance used) and ``staff_to_patron``/``patron_to_staff`` with the same suffixes (NaN
        when not fitted); and the targets ``true_rho``, ``true_slope``, ``true_within``,
        ``true_contextual``, ``true_lag``.
    """
    rng = np.random.default_rng(seed)
    targets = true_targets(design)
    rows = []
    for f in range(n_forums):
        cells = simulate_forum(design, rng)
        pts = library_points(cells)
        cor = library_correlation(
            pts["staff_mean"],
            pts["patron_mean"],
            pts["library"],
            n_permutations=n_permutations,
            seed=seed + f,
        )
        ml = multilevel_means_as_outcomes(cells, confidence=1 - alpha, optimizers=optimizers)
        row = {
            "forum": f,
            "r": cor.pearson_r,
            "r_ci_low": cor.ci_low,
            "r_ci_high": cor.ci_high,
            "p_permutation": cor.p_permutation,
            "p_t": cor.p_t,
            "p_fisher": cor.p_fisher,
            "ml_slope": ml.slope,
            "ml_ci_low": ml.ci_low,
            "ml_ci_high": ml.ci_high,
            "ml_p": ml.p,
            "ml_converged": ml.converged,
        }
        for key in _REWB_KEYS + _LAG_KEYS:
            row[key] = np.nan
        if design.n_periods >= 2:
            wb = within_between(cells, confidence=1 - alpha, optimizers=optimizers)
            row.update(
                within=wb.beta_within,
                within_ci_low=wb.ci_within_low,
                within_ci_high=wb.ci_within_high,
                within_p=wb.p_within,
                between=wb.beta_between,
                between_ci_low=wb.ci_between_low,
                between_ci_high=wb.ci_between_high,
                between_p=wb.p_between,
                contextual=wb.contextual,
                contextual_ci_low=wb.contextual_ci_low,
                contextual_ci_high=wb.contextual_ci_high,
                contextual_p=wb.contextual_p,
            )
            if lags:
                lag = lagged_effects(cells, "year", confidence=1 - alpha, optimizers=optimizers)
                row["lag"] = lag.lag
                for name in ("staff_to_patron", "patron_to_staff"):
                    d = getattr(lag, name)
                    if d is not None:
                        row.update(
                            {
                                f"{name}": d.estimate,
                                f"{name}_ci_low": d.ci_low,
                                f"{name}_ci_high": d.ci_high,
                                f"{name}_p": d.p,
                            }
                        )
        rows.append(row)
    out = pd.DataFrame(rows)
    out["true_rho"] = targets["rho"]
    out["true_slope"] = targets["slope_library"]
    out["true_within"] = targets["beta_within"]
    out["true_contextual"] = targets["contextual"]
    out["true_lag"] = targets["lag"]
    return out


_REWB_KEYS = [
    f"{part}{suffix}"
    for part in ("within", "between", "contextual")
    for suffix in ("", "_ci_low", "_ci_high", "_p")
]
_LAG_KEYS = ["lag"] + [
    f"{part}{suffix}"
    for part in ("staff_to_patron", "patron_to_staff")
    for suffix in ("", "_ci_low", "_ci_high", "_p")
]


def summarise_simulation(results: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Rejection and coverage rates with Monte Carlo standard errors.

    The Monte Carlo SE is that of a binomial proportion at the nominal rate,
    sqrt(pi (1 - pi) / R), so "within 3 MC SE" is a test of the nominal rate; ``in_band``
    checks the issue's bands (size in [.03, .07], coverage in [.93, .97]).

    Returns
    -------
    DataFrame
        Columns ``metric``, ``rate``, ``nominal``, ``mc_se``, ``n`` (forums with the
        statistic), ``within_3se`` (bool), ``in_band`` (bool). Metrics: ``reject_permutation``,
        ``reject_t``, ``reject_multilevel``, ``reject_within``, ``reject_between``,
        ``reject_contextual``, ``reject_staff_to_patron``, ``reject_patron_to_staff``
        (rejection at ``alpha``: type I error when that test's target is 0, else power with
        ``nominal`` NaN), ``cover_fisher``, ``cover_multilevel``, ``cover_within``,
        ``cover_between``, ``cover_contextual``, ``cover_staff_to_patron``,
        ``cover_patron_to_staff`` (interval contains the target; NaN nominal when the target
        has no closed form).
    """
    res = results.copy()
    for col in _REWB_KEYS + _LAG_KEYS + ["true_contextual", "true_lag"]:
        if col not in res.columns:
            res[col] = np.nan
    tgt = {
        "permutation": ("p_permutation", "true_rho"),
        "t": ("p_t", "true_rho"),
        "multilevel": ("ml_p", "true_slope"),
        "within": ("within_p", "true_within"),
        "between": ("between_p", "true_slope"),
        "contextual": ("contextual_p", "true_contextual"),
        "staff_to_patron": ("staff_to_patron_p", "true_lag"),
        "patron_to_staff": ("patron_to_staff_p", "true_lag"),
    }
    specs = []
    for name, (pcol, tcol) in tgt.items():
        target = float(res[tcol].iloc[0]) if len(res) else np.nan
        is_null = np.isfinite(target) and np.isclose(target, 0.0)
        specs.append(
            (f"reject_{name}", res[pcol] < alpha, res[pcol].notna(), alpha if is_null else np.nan)
        )
    covers = {
        "fisher": ("r_ci_low", "r_ci_high", "true_rho"),
        "multilevel": ("ml_ci_low", "ml_ci_high", "true_slope"),
        "within": ("within_ci_low", "within_ci_high", "true_within"),
        "between": ("between_ci_low", "between_ci_high", "true_slope"),
        "contextual": ("contextual_ci_low", "contextual_ci_high", "true_contextual"),
        "staff_to_patron": ("staff_to_patron_ci_low", "staff_to_patron_ci_high", "true_lag"),
        "patron_to_staff": ("patron_to_staff_ci_low", "patron_to_staff_ci_high", "true_lag"),
    }
    for name, (lo, hi, tcol) in covers.items():
        finite_target = bool(np.isfinite(res[tcol]).all()) if len(res) else False
        specs.append(
            (
                f"cover_{name}",
                (res[lo] <= res[tcol]) & (res[tcol] <= res[hi]),
                res[lo].notna(),
                1 - alpha if finite_target else np.nan,
            )
        )
    rows = []
    for name, hit, ok, nominal in specs:
        n = int(ok.sum())
        rate = float(hit[ok].mean()) if n else np.nan
        ref = nominal if np.isfinite(nominal) else rate
        mc_se = math.sqrt(ref * (1 - ref) / n) if n else np.nan
        checked = bool(n and np.isfinite(nominal))
        within = bool(abs(rate - nominal) <= 3 * mc_se) if checked else None
        if not checked:
            band = None
        elif name.startswith("reject"):
            band = bool(0.03 <= rate <= 0.07)
        else:
            band = bool(0.93 <= rate <= 0.97)
        rows.append(
            {
                "metric": name,
                "rate": rate,
                "nominal": nominal,
                "mc_se": mc_se,
                "n": n,
                "within_3se": within,
                "in_band": band,
            }
        )
    return pd.DataFrame(rows)


def acceptance_interval(
    n: int, nominal: float, checks: int = 1, pass_probability: float = 0.95
) -> tuple[int, int]:
    """Counts a correct procedure lands in: (lo, hi) with P(lo <= X <= hi) >= the target.

    X ~ Binomial(n, nominal) is the number of rejections (or covering intervals) in ``n``
    simulated forums when the procedure is exactly right. With ``checks`` rates tested at once
    each tail gets (1 - pass_probability) / (2 checks) (Bonferroni), so all of them pass together
    with probability >= ``pass_probability``. Exact binomial tails (scipy), not +-3 SE.
    """
    tail = (1 - pass_probability) / (2 * checks)
    lo = int(stats.binom.ppf(tail, n, nominal))
    hi = int(stats.binom.isf(tail, n, nominal))
    return lo, hi


def timed(fn, *args, **kwargs):
    """Run ``fn`` and return (result, seconds); used by bench/ to report run time."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0
