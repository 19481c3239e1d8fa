"""Coverage of the demo's documented truth by the pre-declared analyses.

For each of >= 200 demo seeds the forum is drawn with ``servicemirror.app.demo`` (the same generator
the ``servicemirror demo`` command loads), turned into the analysis cells the product would
publish (``demo.published_cells``: person scores, staff cells with n < k left out; checked
against a real ``build_demo`` database to 1e-9 in tests/test_demo_coverage.py) and analysed
with the product's own functions: the primary Pearson r with its Fisher-z CI, the
means-as-outcomes multilevel slope with its t(J - 2) CI beside it, and the secondary REWB
within-library slope with its t CI. No database is involved, so hundreds of seeds take minutes.

Each interval is checked against three values (docs/statistics.md §5 and §11, attenuation):

- ``documented``: what data/demo/README.md calls the truth: r_true_library of the seed (r of the
  true library means over all six periods), beta_B_index and beta_W_index (the generative
  effects converted to index points per index point).
- ``noiseless``: what the estimator would estimate if every cell mean were its true expected
  index (the matched periods only, no respondent sampling error). It differs from the
  documented value through the design itself (w-bar mixes beta_W into the library means; the
  reverse path gamma_reverse feeds patron shocks into next year's staff wellbeing).
- ``attenuated``: the same with the respondent sampling error of the cell means, i.e. what the
  estimator estimates with these sample sizes. Computed by :func:`design_targets` from a very
  large simulation of the latent model (true expected indices exact from the normal CDF) with the
  sampling variance of every cell mean added in closed form (per-person score variance from
  Gauss-Hermite quadrature, divided by the cell's n). Correlations and slopes depend only on
  first and second moments, so the closed-form noise term is exact, not an approximation.

Usage:
    .venv/bin/python bench/demo_coverage.py                   # 500 seeds, ~3 minutes
    .venv/bin/python bench/demo_coverage.py --seeds 200 --out /tmp/demo-coverage.md

tests/test_demo_coverage.py runs a small version of the same functions.
"""

from __future__ import annotations

import argparse
import math
import platform
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.polynomial.hermite_e import hermegauss
from scipy.special import ndtr

from servicemirror.analysis.association import library_correlation, library_points
from servicemirror.analysis.multilevel import multilevel_means_as_outcomes
from servicemirror.analysis.within_between import within_between
from servicemirror.app import demo

NOMINAL = 0.95
# The battery's default permutation seed (analysis.battery.BatteryOptions.seed), so each demo
# seed's p is the one the dashboard would show for that forum.
PERMUTATION_SEED = 20111
# Seeds of the coverage study start here; the target simulation uses its own generator seed.
FIRST_SEED = 1
TARGET_SEED = 20240601
FIGURES = {
    "r": ("primary: library-level Pearson r, Fisher-z 95 % CI", "r", "r_lo", "r_hi"),
    "ml": (
        "beside the primary: multilevel slope (means as outcomes), t(J - 2) 95 % CI",
        "ml",
        "ml_lo",
        "ml_hi",
    ),
    "within": ("secondary: REWB within-library slope, t 95 % CI", "within", "w_lo", "w_hi"),
}


# ---------------------------------------------------------------------------------------------
# Per-seed analysis
# ---------------------------------------------------------------------------------------------
def analyse_seed(seed: int, *, k: int = 5, n_permutations: int = 999) -> dict:
    """Draw demo seed ``seed``, build its published cells and run the pre-declared analyses.

    Returns one flat dict: ``seed``; the estimates and 95 % limits ``r``/``r_lo``/``r_hi``
    (plus ``p_perm``), ``ml``/``ml_lo``/``ml_hi`` (plus ``ml_p``, ``ml_converged``),
    ``within``/``w_lo``/``w_hi`` (plus ``w_p``, ``w_converged``); the seed's documented truth
    ``doc_r`` (r_true_library), ``doc_ml`` (beta_B_index), ``doc_within`` (beta_W_index); and
    ``staff_var_ratio``/``patron_var_ratio``, the mean over row-based cells of the observed
    within-cell variance ss/(n - 1) divided by the model variance of a person score at the
    cell's latent level (checks :func:`person_variances`; should be close to 1).
    """
    world = demo.simulate_world(seed, with_text=False)
    cells = demo.published_cells(world, k)
    pts = library_points(cells)
    cor = library_correlation(
        pts["staff_mean"].to_numpy(),
        pts["patron_mean"].to_numpy(),
        libraries=list(pts["library"]),
        n_permutations=n_permutations,
        seed=PERMUTATION_SEED,
    )
    ml = multilevel_means_as_outcomes(cells)
    wb = within_between(cells)
    truth = world.truth

    # Observed within-cell variance against the quadrature variance at the cell's latent level.
    lat = world.cells.set_index(["library", "period"])
    vs, vp = person_variances()
    ratios = {}
    for side, column, fn in (("staff", "staff_latent", vs), ("patron", "patron_latent", vp)):
        sub = cells[(cells["side"] == side) & cells["ss_within"].notna()]
        level = lat.loc[list(zip(sub["library"], sub["period"], strict=True)), column].to_numpy()
        ratios[side] = float(np.mean(sub["ss_within"] / (sub["n"] - 1) / fn(level)))
    return {
        "seed": seed,
        "r": cor.pearson_r,
        "r_lo": cor.ci_low,
        "r_hi": cor.ci_high,
        "p_perm": cor.p_permutation,
        "ml": ml.slope,
        "ml_lo": ml.ci_low,
        "ml_hi": ml.ci_high,
        "ml_p": ml.p,
        "ml_converged": ml.converged,
        "within": wb.beta_within,
        "w_lo": wb.ci_within_low,
        "w_hi": wb.ci_within_high,
        "w_p": wb.p_within,
        "w_converged": wb.converged,
        "doc_r": truth["r_true_library"],
        "doc_ml": truth["beta_B_index"],
        "doc_within": truth["beta_W_index"],
        "staff_var_ratio": ratios["staff"],
        "patron_var_ratio": ratios["patron"],
    }


def run_seeds(seeds: Iterable[int], *, k: int = 5, n_permutations: int = 999) -> pd.DataFrame:
    """:func:`analyse_seed` for every seed, one row each."""
    return pd.DataFrame([analyse_seed(s, k=k, n_permutations=n_permutations) for s in seeds])


# ---------------------------------------------------------------------------------------------
# Targets: a very large simulation of the latent model, noise added in closed form
# ---------------------------------------------------------------------------------------------
def _answer_probs(mu: np.ndarray, sd: float) -> np.ndarray:
    """P(rc(X) = 1..5) for X ~ N(mu, sd): the generator's round-and-clip on the 1-5 scale."""
    cdf = ndtr((np.arange(1, 5) + 0.5 - mu[..., None]) / sd)
    lower = np.concatenate([np.zeros(mu.shape + (1,)), cdf], axis=-1)
    upper = np.concatenate([cdf, np.ones(mu.shape + (1,))], axis=-1)
    return upper - lower


_VARIANCE_CACHE: dict[str, tuple] = {}


def person_variances(nodes: int = 60):
    """Variance of one person's score (0-100 index points squared) as a function of the latent level.

    Staff: the score is the mean of five items rc(s + offset_k + N(0, staff_sd_item)) with
    s ~ N(S, staff_sd_person); Var = E_s[Var(score | s)] + Var_s(E[score | s]), integrated with
    Gauss-Hermite quadrature. Patrons: rc(y) with y = P + segment shift + N(0, patron_sd_person),
    mixed over the twelve age x visit-frequency segments with their shares. Missing answers (1 %
    of staff items; "Ved ikke" for patrons) are ignored: the first changes a staff person's
    variance by well under 1 %, the second is independent of the answer. Returns two vectorised
    functions (staff, patron) of the latent level; tabulated once on a fine grid.
    """
    if "fns" in _VARIANCE_CACHE:
        return _VARIANCE_CACHE["fns"]
    p = demo.PARAMETERS
    z, wz = hermegauss(nodes)
    wz = wz / wz.sum()
    k_vals = np.arange(1, 6, dtype=float)

    def staff_var(S: np.ndarray) -> np.ndarray:
        s = S[:, None] + p["staff_sd_person"] * z[None, :]
        mean_s = np.zeros_like(s)
        var_s = np.zeros_like(s)
        offsets = p["staff_item_offsets"]
        for off in offsets:
            pr = _answer_probs(s + off, p["staff_sd_item"])
            g = pr @ k_vals
            var_s += (pr @ k_vals**2 - g**2) / len(offsets) ** 2
            mean_s += g / len(offsets)
        within = var_s @ wz
        between = (mean_s**2) @ wz - (mean_s @ wz) ** 2
        return 625.0 * (within + between)

    shifts, weights, _ = demo._segment_mixture(p)  # the generator's own segment table

    def patron_var(P: np.ndarray) -> np.ndarray:
        pr = _answer_probs(P[:, None] + shifts[None, :], p["patron_sd_person"])
        g = (pr @ k_vals) @ weights
        h = (pr @ k_vals**2) @ weights
        return 625.0 * (h - g**2)

    fns = []
    for centre, fn in ((p["staff_mu"], staff_var), (p["patron_mu"], patron_var)):
        grid = np.linspace(centre - 3.0, centre + 3.0, 3001)
        vals = fn(grid)
        fns.append(lambda x, g=grid, v=vals: np.interp(x, g, v))
    _VARIANCE_CACHE["fns"] = tuple(fns)
    return _VARIANCE_CACHE["fns"]


def _index_functions():
    """True expected staff and patron index (0-100) as functions of the latent level.

    The generator's own exact formulas (``demo._staff_index_true``, ``demo._patron_index_true``),
    tabulated on a grid 0.002 latent points apart and interpolated: the interpolation error is
    below 1e-5 index points, far under the Monte Carlo error of the targets.
    """
    if "index" in _VARIANCE_CACHE:
        return _VARIANCE_CACHE["index"]
    p = demo.PARAMETERS
    fns = []
    for centre, fn in (
        (p["staff_mu"], demo._staff_index_true),
        (p["patron_mu"], demo._patron_index_true),
    ):
        grid = np.linspace(centre - 3.0, centre + 3.0, 3001)
        vals = fn(grid, p)
        fns.append(lambda x, g=grid, v=vals: np.interp(x, g, v))
    _VARIANCE_CACHE["index"] = tuple(fns)
    return _VARIANCE_CACHE["index"]


def _design(k: int) -> dict:
    """The fixed sampling design of the demo: which library-periods are matched, and their n."""
    J, T = len(demo.LIBRARY_SPECS), len(demo.PERIODS)
    surveyed = np.zeros((J, T), dtype=bool)
    fixed_n = np.zeros((J, T))
    for j, spec in enumerate(demo.LIBRARY_SPECS):
        sched = spec["schedule"]
        for t, per in enumerate(demo.PERIODS):
            surveyed[j, t] = (
                sched == "yearly"
                or (sched == "aggregates" and (spec["library"], per) not in demo.AGGREGATE_GAPS)
                or (isinstance(sched, list) and per in sched)
            )
            fixed_n[j, t] = demo.SMALL_STAFF_CELLS.get((spec["library"], per), 0)
    if k > 8:
        # Every other staff cell has n >= 8 (the generator clips there), so for k <= 8 the set of
        # published cells is the same in every seed and the within-library projection is fixed.
        raise ValueError("design_targets assumes k <= 8 (the generator's smallest regular cell)")
    matched = surveyed & ~((fixed_n > 0) & (fixed_n < k))
    lib, per = np.nonzero(matched)
    D = np.zeros((len(lib), J + T - 1))
    D[np.arange(len(lib)), lib] = 1.0
    D[per > 0, J + per[per > 0] - 1] = 1.0
    # Annihilator of library and period dummies: the fixed-effects within transformation that
    # the REWB within slope equals (Mundlak), restricted to the matched cells.
    annihilator = np.eye(len(lib)) - D @ np.linalg.pinv(D)
    return {
        "J": J,
        "T": T,
        "matched": matched,
        "aggregate": np.array([s["schedule"] == "aggregates" for s in demo.LIBRARY_SPECS]),
        "staff_base": np.array([s["staff_n"] for s in demo.LIBRARY_SPECS], dtype=float),
        "patron_base": np.array([s["patron_n"] for s in demo.LIBRARY_SPECS], dtype=float),
        "annihilator": annihilator,
    }


def _batch_moments(rng: np.random.Generator, m: int, des: dict) -> dict:
    """Sums of the moments that define the targets over ``m`` simulated forums."""
    p = demo.PARAMETERS
    J, T, mask = des["J"], des["T"], des["matched"]
    u = rng.normal(0, p["staff_sd_library"], (m, J))
    a = rng.normal(0, p["patron_sd_library"], (m, J))
    v = rng.normal(0, p["staff_sd_year"], (m, J, T))
    e_all = rng.normal(0, p["patron_sd_year"], (m, J, T + 1))
    w = v + p["gamma_reverse"] * e_all[:, :, :-1]
    S = p["staff_mu"] + u[:, :, None] + w
    P = p["patron_mu"] + (a + p["beta_B"] * u)[:, :, None] + p["beta_W"] * w + e_all[:, :, 1:]
    staff_index, patron_index = _index_functions()
    vs, vp = person_variances()
    x, y = staff_index(S), patron_index(P)

    # Sampling variance of each cell mean: person variance / n, with n drawn as the generator
    # draws it (the three cells below k are never matched, so their fixed n does not matter).
    n_staff = np.clip(
        np.round(des["staff_base"][None, :, None] * rng.uniform(0.8, 1.1, (m, J, T))), 8, 60
    )
    noise_x = vs(S) / n_staff
    # A vendor report rounds each item mean to 2 decimals (0.25 index points): uniform
    # rounding error, averaged over five items.
    noise_x = noise_x + des["aggregate"][None, :, None] * (0.25**2 / 12 / 5)
    n_pat = np.clip(
        np.round(des["patron_base"][None, :, None] * rng.uniform(0.8, 1.2, (m, J, T))), 100, 800
    )
    n_pat_answered = rng.binomial(n_pat.astype(int), 1 - p["ved_ikke_rate"]["core_sat"])
    noise_y = vp(P) / n_pat_answered

    # Library points: unweighted means over the matched periods (association.library_points).
    m_j = mask.sum(axis=1)
    X = (x * mask).sum(axis=2) / m_j
    Y = (y * mask).sum(axis=2) / m_j
    noise_X = (noise_x * mask).sum(axis=2) / m_j**2
    noise_Y = (noise_y * mask).sum(axis=2) / m_j**2

    xc, yc = x[:, mask], y[:, mask]
    xm = xc @ des["annihilator"]
    diag = np.diag(des["annihilator"])
    return {
        "n": float(X.size),
        "sx": X.sum(),
        "sy": Y.sum(),
        "sxx": (X * X).sum(),
        "syy": (Y * Y).sum(),
        "sxy": (X * Y).sum(),
        "nx": noise_X.sum(),
        "ny": noise_Y.sum(),
        "w_xy": (xm * yc).sum(),
        "w_xx": (xm * xc).sum(),
        "w_noise": (noise_x[:, mask] * diag).sum(),
        "forums": float(m),
    }


def _targets_from(mom: dict) -> dict[str, float]:
    n = mom["n"]
    mx, my = mom["sx"] / n, mom["sy"] / n
    vx, vy = mom["sxx"] / n - mx * mx, mom["syy"] / n - my * my
    cov = mom["sxy"] / n - mx * my
    nx, ny = mom["nx"] / n, mom["ny"] / n
    return {
        "noiseless_r": cov / math.sqrt(vx * vy),
        "attenuated_r": cov / math.sqrt((vx + nx) * (vy + ny)),
        "noiseless_ml": cov / vx,
        "attenuated_ml": cov / (vx + nx),
        "noiseless_within": mom["w_xy"] / mom["w_xx"],
        "attenuated_within": mom["w_xy"] / (mom["w_xx"] + mom["w_noise"]),
        "lambda_library_x": vx / (vx + nx),
        "lambda_library_y": vy / (vy + ny),
        "lambda_within_x": mom["w_xx"] / (mom["w_xx"] + mom["w_noise"]),
    }


def design_targets(
    n_forums: int = 50_000, *, seed: int = TARGET_SEED, k: int = 5, batch: int = 2_000
) -> tuple[dict[str, float], dict[str, float]]:
    """Noiseless and attenuated targets of the three figures under the demo's design.

    Definitions (x = staff index, y = patron index of a matched library-period cell; X, Y =
    their unweighted means over a library's matched periods; libraries pooled over forums):
    ``*_r`` = corr(X, Y) (the Fisher CI's target), ``*_ml`` = cov(X, Y) / var(X) (the slope of
    the library means, which the means-as-outcomes model estimates), ``*_within`` = the
    fixed-effects slope of y on x with library and period dummies (what the REWB within slope
    equals), computed as E[x'My] / E[x'Mx] with M the annihilator of the dummies. ``noiseless``
    uses the true expected indices; ``attenuated`` adds the sampling variance of each cell mean
    (person variance / n) to var(X), var(Y) and E[x'Mx]; staff and patron sampling errors are
    independent of each other and of the truth, so covariances are unchanged. Also returned:
    the reliabilities ``lambda_library_x``/``_y`` and ``lambda_within_x`` (variance share of the
    truth).

    Returns (targets, Monte Carlo SEs from the spread over batches).
    """
    rng = np.random.default_rng(seed)
    des = _design(k)
    batches = []
    done = 0
    while done < n_forums:
        m = min(batch, n_forums - done)
        batches.append(_batch_moments(rng, m, des))
        done += m
    total = {key: sum(b[key] for b in batches) for key in batches[0]}
    targets = _targets_from(total)
    per_batch = pd.DataFrame([_targets_from(b) for b in batches])
    se = (per_batch.std(ddof=1) / math.sqrt(len(batches))).to_dict() if len(batches) > 1 else {}
    return targets, {key: float(val) for key, val in se.items()}


# ---------------------------------------------------------------------------------------------
# Coverage
# ---------------------------------------------------------------------------------------------
def coverage_table(results: pd.DataFrame, targets: dict[str, float]) -> pd.DataFrame:
    """Coverage of each figure's interval for each target, with Monte Carlo SEs.

    Columns: ``figure``, ``target`` (documented | noiseless | attenuated), ``value`` (the
    target; "per seed" targets give their median), ``coverage``, ``mc_se`` (sqrt(.95 x .05 /
    R), the SE at the nominal rate, so |coverage - .95| <= 3 mc_se tests the nominal rate),
    ``mc_se_observed`` (sqrt(c (1 - c) / R)), ``seeds`` (R, seeds with an interval),
    ``within_3se`` (bool), ``mean_estimate``, ``se_mean`` (SD / sqrt(R)).
    """
    rows = []
    for fig, (_label, est, lo, hi) in FIGURES.items():
        ok = results[lo].notna() & results[hi].notna()
        sub = results[ok]
        R = len(sub)
        for kind in ("documented", "noiseless", "attenuated"):
            value = sub[f"doc_{fig}"] if kind == "documented" else targets[f"{kind}_{fig}"]
            hit = (sub[lo] <= value) & (value <= sub[hi])
            cov = float(hit.mean()) if R else float("nan")
            mc_se = math.sqrt(NOMINAL * (1 - NOMINAL) / R) if R else float("nan")
            rows.append(
                {
                    "figure": fig,
                    "target": kind,
                    "value": float(np.median(value)) if kind == "documented" else float(value),
                    "coverage": cov,
                    "mc_se": mc_se,
                    "mc_se_observed": math.sqrt(cov * (1 - cov) / R) if R else float("nan"),
                    "seeds": R,
                    "within_3se": bool(abs(cov - NOMINAL) <= 3 * mc_se) if R else False,
                    "mean_estimate": float(sub[est].mean()),
                    "se_mean": float(sub[est].std(ddof=1) / math.sqrt(R))
                    if R > 1
                    else float("nan"),
                }
            )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------
def _f(x: float, digits: int = 3) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


def write_report(
    path: Path,
    results: pd.DataFrame,
    table: pd.DataFrame,
    targets: dict[str, float],
    target_se: dict[str, float],
    *,
    n_target_forums: int,
    seconds: dict[str, float],
    n_permutations: int,
) -> None:
    """Write docs/demo-coverage.md: method, the coverage table, the estimand discussion."""
    R = len(results)
    first, last = int(results["seed"].min()), int(results["seed"].max())
    lines = [
        "# Demo coverage: do the product's intervals cover the demo's documented truth?",
        "",
        "Written by `bench/demo_coverage.py` (do not edit by hand; the discussion is part of the",
        "script). The aim: *over ≥ 200 demo seeds the documented true effects are",
        "covered at the nominal rate*. `tests/test_demo_coverage.py` runs a small version.",
        "",
        "## Method",
        "",
        f"- Demo seeds {first}–{last} ({R} forums of 15 libraries × 6 years) drawn with",
        "  `servicemirror.app.demo.simulate_world` (the generator behind `servicemirror demo`).",
        "- Each forum becomes the analysis cells the product publishes, without the database:",
        "  `demo.published_cells` (staff person score = mean of the answered wellbeing items on",
        "  0–100, cell mean over persons; vendor aggregates as the report writes them; staff cells",
        "  with n < 5 left out; patrons `core_sat`). A test checks these cells against a real",
        "  `build_demo` database (seed 2011) to 1e-9: same 166 cells, same n, mean, ss_within.",
        "- The product's functions then give the primary Pearson r with its Fisher-z 95 % CI",
        "  (`association.library_correlation`, one point per library), the means-as-outcomes",
        "  multilevel slope with its t(J − 2) CI (`multilevel.multilevel_means_as_outcomes`) and",
        "  the secondary REWB within-library slope with its t CI (`within_between.within_between`).",
        f"  Permutation p with {n_permutations} pairings (only for the power line below).",
        "- Monte Carlo SE of a coverage rate = sqrt(.95 × .05 / R) (at the nominal rate, as in",
        "  docs/simulation-results.md), so |coverage − .95| ≤ 3 SE tests the nominal rate.",
        "",
        "### Which true value? Three targets per figure",
        "",
        "- **documented**: the truth data/demo/README.md states — `r_true_library` of each seed",
        "  (r of the true library means over all six years; the table gives its median),",
        "  `beta_B_index` and `beta_W_index` (the generative effects in index points per index",
        "  point).",
        "- **noiseless**: what the estimator would converge to if every cell mean were its true",
        "  expected index (matched periods only, no respondent sampling error). It already differs",
        "  from the documented value through the design: a library's staff mean contains its",
        "  average yearly deviation w̄, which acts with beta_W (0.50) rather than beta_B (0.35),",
        "  and the reverse path (gamma_reverse: last year's patron shock raises this year's staff",
        "  wellbeing) correlates staff changes with the patron side within libraries.",
        "- **attenuated**: the same *with* the sampling error of the cell means at the demo's",
        "  sample sizes — the quantity the observed data identify (docs/statistics.md §5: unreliable",
        "  staff means shrink correlations and slopes). `design_targets` computes it from",
        f"  {n_target_forums:,} simulated forums of the latent model (true expected indices exact",
        "  from the normal CDF) plus the exact sampling variance of each cell mean in closed form",
        "  (person-score variance by Gauss–Hermite quadrature, divided by n). Correlations and",
        "  slopes depend on first and second moments only, so this is exact up to Monte Carlo",
        "  error; the target SEs are given below.",
        "",
        "Definitions: r target = corr(X, Y) of library points pooled over forums (X, Y = unweighted",
        "means of a library's matched cells); multilevel target = cov(X, Y) / var(X), the slope of",
        "the library means; within target = the fixed-effects slope with library and period",
        "dummies, E[x′My] / E[x′Mx] (REWB's within slope equals it).",
        "",
        "## Results",
        "",
        "| figure | target | value | coverage | MC SE | seeds | within 3 SE of .95 | mean estimate (SE) |",
        "|---|---|---:|---:|---:|---:|---|---:|",
    ]
    for row in table.itertuples():
        label = FIGURES[row.figure][0]
        value = _f(row.value)
        if row.target == "documented" and row.figure == "r":
            value = f"{value} (median of seeds)"
        lines.append(
            f"| {label} | {row.target} | {value} | {_f(row.coverage)} | {_f(row.mc_se, 4)} "
            f"| {row.seeds} | {'yes' if row.within_3se else '**no**'} "
            f"| {_f(row.mean_estimate)} ({_f(row.se_mean)}) |"
        )
    lines += [
        "",
        "Target Monte Carlo SEs (spread over batches of the target simulation): "
        + ", ".join(f"{key} {_f(val, 4)}" for key, val in target_se.items() if key in targets)
        + ".",
        "",
        "Reliabilities under the demo design (variance share of the truth): library staff means "
        f"λx = {_f(targets['lambda_library_x'])}, library patron means λy = "
        f"{_f(targets['lambda_library_y'])}, within-library staff changes (after library and "
        f"period dummies) λw = {_f(targets['lambda_within_x'])}.",
        "",
        f"Power of the primary test on the demo (share of seeds with permutation p < .05): "
        f"{_f(float((results['p_perm'] < 0.05).mean()), 2)}; multilevel t test p < .05: "
        f"{_f(float((results['ml_p'] < 0.05).mean()), 2)}; within slope p < .05: "
        f"{_f(float((results['w_p'] < 0.05).mean()), 2)}. Multilevel fits reporting convergence: "
        f"{_f(float(results['ml_converged'].mean()), 3)}; REWB fits: "
        f"{_f(float(results['w_converged'].mean()), 3)}.",
        "",
        "Check of the closed-form noise term: observed within-cell variance ss/(n − 1) over the",
        "model variance of a person score at the cell's latent level, averaged over cells and "
        f"seeds: staff {_f(float(results['staff_var_ratio'].mean()), 4)}, patrons "
        f"{_f(float(results['patron_var_ratio'].mean()), 4)} (1 = the model variance is right).",
        "",
    ]
    lines += _discussion(table, targets)
    lines += [
        "",
        f"Run time: seeds {seconds['seeds']:.0f} s, targets {seconds['targets']:.0f} s. "
        f"Python {platform.python_version()}, numpy {np.__version__}, pandas {pd.__version__}.",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")


def _discussion(table: pd.DataFrame, targets: dict[str, float]) -> list[str]:
    """The reading of the table, with every number taken from it (none typed in)."""

    def get(fig: str, kind: str, col: str = "coverage") -> float:
        row = table[(table["figure"] == fig) & (table["target"] == kind)]
        return float(row[col].iloc[0])

    def ok(fig: str, kind: str) -> str:
        row = table[(table["figure"] == fig) & (table["target"] == kind)]
        return "within" if bool(row["within_3se"].iloc[0]) else "**outside**"

    over = (
        "above the nominal rate"
        if get("r", "documented") > NOMINAL
        else "at or below the nominal rate"
    )
    att = table[table["target"] == "attenuated"]
    all_ok = (
        "all within 3 MC SE of .95"
        if bool(att["within_3se"].all())
        else "**not all** within 3 MC SE of .95"
    )
    rho = targets["attenuated_r"]
    return [
        "## Reading",
        "",
        "**What the product's intervals are valid for.** Each interval is built for the quantity",
        "the *measured* indices identify: the attenuated target. Coverage of that target is",
        f"r {_f(get('r', 'attenuated'))}, multilevel slope {_f(get('ml', 'attenuated'))}, within",
        f"slope {_f(get('within', 'attenuated'))} ({all_ok}). No interval",
        "claims to cover the latent generative effect; where that differs from the attenuated",
        "target, missing it is the measurement problem of docs/statistics.md §5 showing, not a bug.",
        "",
        "**Primary r and the multilevel slope.** Library staff means over several years of 8–60",
        f"respondents are reliable (λx ≈ {_f(targets['lambda_library_x'], 2)}), so attenuation is",
        f"small: the attenuated r target is {_f(targets['attenuated_r'])} against a noiseless "
        f"{_f(targets['noiseless_r'])}, and both are covered at the nominal rate. The documented",
        f"per-seed r_true_library is covered {_f(get('r', 'documented'))} of the time "
        f"({ok('r', 'documented')} 3 SE, {over}): it is the realised r of the same 15 libraries",
        "the estimate comes from, so it shares their draw, whereas the Fisher interval is as wide",
        "as drawing 15 new libraries requires. For the population correlation the interval is",
        "at the nominal rate; for the realised value it is conservative. The multilevel",
        f"slope targets {_f(targets['attenuated_ml'])} index points per point; the documented",
        f"beta_B_index ({_f(get('ml', 'documented', 'value'))}) is covered "
        f"{_f(get('ml', 'documented'))} ({ok('ml', 'documented')} 3 SE): the library-level",
        "slope is not beta_B alone, because a library's six-year staff mean also carries its",
        "average yearly deviation, which works with beta_W, and the intervals are wide enough",
        "(J = 15) that this difference hardly shows.",
        "",
        "**Secondary within slope.** A library-year staff mean of 8–60 answers carries sampling",
        "error about as large as the true year-to-year change, so only "
        f"λw ≈ {_f(targets['lambda_within_x'], 2)} of the within-library variation in the staff",
        f"index is real. The within slope therefore estimates {_f(targets['attenuated_within'])},",
        f"not the documented beta_W_index {_f(get('within', 'documented', 'value'))}: its CI covers",
        f"the attenuated target {_f(get('within', 'attenuated'))} of the time but the documented",
        f"effect only {_f(get('within', 'documented'))}. This is a finding about the estimand, not",
        "a failure of the interval: regression dilution (docs/statistics.md §5, §11). Even without",
        f"sampling error the within slope would target {_f(targets['noiseless_within'])}: a",
        "library's six-year average contains this year's patron shock through next year's staff",
        "wellbeing (gamma_reverse), so after demeaning, a year's staff deviation is slightly",
        "negatively correlated with that year's patron shock (the short-panel bias of",
        "docs/statistics.md §10).",
        "",
        "**Mean estimates** are a check on the targets, not a coverage figure: the slopes should",
        "centre on their attenuated targets; the sample r is biased toward zero by about",
        f"ρ(1 − ρ²)/(2J) ≈ {_f(rho * (1 - rho**2) / 30)} at J = 15, so its mean should sit a little",
        "below its target. The r and the slopes of the same seeds move together, so a few seeds",
        "that happen to be high lift all three means at once.",
        "",
        '**What a manager should read from the figures.** The intervals answer "how strongly do',
        'the staff and patron *survey results* move together?", honestly and at the stated',
        "95 %. They understate how strongly *true* staff wellbeing and patron satisfaction move",
        "together, a little for the between-library r and slope, and by about half for the",
        "within-library slope: a small within slope with a CI near zero does not mean that",
        "staff wellbeing does not matter, only that yearly staff surveys of this size cannot",
        "show year-to-year changes precisely. Larger staff samples (or all-staff surveys) and",
        "more years raise λ and bring the estimate toward the underlying effect; the reliability",
        "(λ, ICC(2)) printed beside each figure says how much to discount.",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run the study and write the report; exit 1 when an attenuated target misses 3 MC SE."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=500, help="number of demo seeds (>= 200)")
    ap.add_argument("--target-forums", type=int, default=50_000)
    ap.add_argument("--permutations", type=int, default=999)
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "docs" / "demo-coverage.md",
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    targets, target_se = design_targets(args.target_forums)
    t1 = time.perf_counter()
    results = run_seeds(
        range(FIRST_SEED, FIRST_SEED + args.seeds), n_permutations=args.permutations
    )
    t2 = time.perf_counter()
    table = coverage_table(results, targets)
    write_report(
        args.out,
        results,
        table,
        targets,
        target_se,
        n_target_forums=args.target_forums,
        seconds={"targets": t1 - t0, "seeds": t2 - t1},
        n_permutations=args.permutations,
    )
    print(table.to_string(index=False), file=sys.stderr)
    print(f"wrote {args.out}", file=sys.stderr)
    attenuated = table[table["target"] == "attenuated"]
    return 0 if bool(attenuated["within_3se"].all()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
