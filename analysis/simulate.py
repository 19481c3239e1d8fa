"""Simulated forums for checking the pre-declared analyses (STATISTICS.md §9, issue 4).

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
from dataclasses import dataclass

import numpy as np
import pandas as pd

from servicemirror.analysis.association import library_correlation, library_points
from servicemirror.analysis.multilevel import multilevel_means_as_outcomes
from servicemirror.analysis.within_between import within_between

__all__ = [
    "ForumDesign",
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
                    "period": np.tile([str(2020 + t) for t in range(T)], J),
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
    return {
        "rho": cov / math.sqrt(var_x * var_y),
        "slope_library": cov / var_x,
        "beta_within": design.beta_within * lam_w,
    }


def run_simulation(
    n_forums: int,
    design: ForumDesign,
    seed: int,
    *,
    n_permutations: int = 999,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Apply the pre-declared analyses to ``n_forums`` simulated forums.

    Returns
    -------
    DataFrame
        One row per forum: ``forum``, ``r``, ``r_ci_low``, ``r_ci_high``, ``p_permutation``,
        ``p_t``, ``p_fisher``, ``ml_slope``, ``ml_ci_low``, ``ml_ci_high``, ``ml_p``,
        ``ml_converged``, ``within``, ``within_ci_low``, ``within_ci_high`` (NaN when
        T = 1), and the targets ``true_rho``, ``true_slope``, ``true_within``.
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
        ml = multilevel_means_as_outcomes(cells, confidence=1 - alpha)
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
            "within": np.nan,
            "within_ci_low": np.nan,
            "within_ci_high": np.nan,
        }
        if design.n_periods >= 2:
            wb = within_between(cells, confidence=1 - alpha)
            row.update(
                within=wb.beta_within,
                within_ci_low=wb.ci_within_low,
                within_ci_high=wb.ci_within_high,
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    out["true_rho"] = targets["rho"]
    out["true_slope"] = targets["slope_library"]
    out["true_within"] = targets["beta_within"]
    return out


def summarise_simulation(results: pd.DataFrame, alpha: float = 0.05) -> pd.DataFrame:
    """Rejection and coverage rates with Monte Carlo standard errors.

    The Monte Carlo SE is that of a binomial proportion at the nominal rate,
    sqrt(pi (1 - pi) / R), so "within 3 MC SE" is a test of the nominal rate.

    Returns
    -------
    DataFrame
        Columns ``metric``, ``rate``, ``nominal``, ``mc_se``, ``n`` (forums with the
        statistic), ``within_3se`` (bool). Metrics: ``reject_permutation``, ``reject_t``,
        ``reject_multilevel`` (rejection of the null at ``alpha``; type I error when the
        true effect is 0, power otherwise, when ``nominal`` is NaN), ``cover_fisher``,
        ``cover_multilevel``, ``cover_within`` (interval contains the true target).
    """
    null = bool(np.isclose(results["true_rho"].iloc[0], 0.0))
    specs = [
        ("reject_permutation", results["p_permutation"] < alpha, alpha if null else np.nan),
        ("reject_t", results["p_t"] < alpha, alpha if null else np.nan),
        ("reject_multilevel", results["ml_p"] < alpha, alpha if null else np.nan),
        (
            "cover_fisher",
            (results["r_ci_low"] <= results["true_rho"])
            & (results["true_rho"] <= results["r_ci_high"]),
            1 - alpha,
        ),
        (
            "cover_multilevel",
            (results["ml_ci_low"] <= results["true_slope"])
            & (results["true_slope"] <= results["ml_ci_high"]),
            1 - alpha,
        ),
        (
            "cover_within",
            (results["within_ci_low"] <= results["true_within"])
            & (results["true_within"] <= results["within_ci_high"]),
            1 - alpha,
        ),
    ]
    avail = {
        "reject_permutation": results["p_permutation"].notna(),
        "reject_t": results["p_t"].notna(),
        "reject_multilevel": results["ml_p"].notna(),
        "cover_fisher": results["r_ci_low"].notna(),
        "cover_multilevel": results["ml_ci_low"].notna(),
        "cover_within": results["within_ci_low"].notna(),
    }
    rows = []
    for name, hit, nominal in specs:
        ok = avail[name]
        n = int(ok.sum())
        rate = float(hit[ok].mean()) if n else np.nan
        ref = nominal if np.isfinite(nominal) else rate
        mc_se = math.sqrt(ref * (1 - ref) / n) if n else np.nan
        within = bool(abs(rate - nominal) <= 3 * mc_se) if (n and np.isfinite(nominal)) else None
        rows.append(
            {
                "metric": name,
                "rate": rate,
                "nominal": nominal,
                "mc_se": mc_se,
                "n": n,
                "within_3se": within,
            }
        )
    return pd.DataFrame(rows)


def timed(fn, *args, **kwargs):
    """Run ``fn`` and return (result, seconds); used by bench/ to report run time."""
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0
