"""Coverage of the service-project estimate over simulated forums.

For each scenario, >= 1000 forums are drawn with ``analysis.simulate_projects.simulate_panel`` (library and
period effects, serially correlated library-period shocks, patron sampling error from libraries of
very different size) and one library's project is estimated with ``analysis.projects.did``.
Reported per scenario: coverage of the 95 % CI (does it contain the true effect: 0 for a project
without an effect), its Monte Carlo error sqrt(c(1-c)/N), the mean CI width, the share of forums
where the CI excludes 0 and where the placebo p <= .10, and the mean estimate. One line compares
the naive i.i.d. OLS standard error of the same TWFE regression (Bertrand, Duflo & Mullainathan
2004 show why it over-rejects with serially correlated shocks).

Usage: .venv/bin/python bench/projects_coverage.py [--forums 1000] [--seed 2011] [--out docs/projects-simulation.md]
Not part of `make test`; tests/test_projects.py runs a small version.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
from scipy import stats

from servicemirror.analysis.projects import did
from servicemirror.analysis.simulate_projects import simulate_panel

SCENARIOS = [
    ("no effect, default forum (J = 15, T = 6, rho = .5, n 15-400)", {}),
    ("effect +5 points, default forum", {"effect": 5.0}),
    ("effect +10 points, default forum", {"effect": 10.0}),
    ("no effect, equal library sizes (n = 150)", {"n_range": (150, 150)}),
    ("no effect, strong serial correlation (rho = .9)", {"rho": 0.9}),
    ("no effect, sampling error dominates (shock sd .3)", {"sd_shock": 0.3}),
    ("no effect, small touchpoint (n 10-40, e.g. home delivery)", {"n_range": (10, 40)}),
    ("no effect, 8 libraries", {"libraries": 8}),
    ("effect +5 points, 8 libraries", {"libraries": 8, "effect": 5.0}),
]


def naive_se(panel, treated: str, timing: dict[str, str]) -> tuple[float, int]:
    """The i.i.d. OLS standard error of delta in the same TWFE regression and its residual df
    (for comparison only)."""
    post = {p for p, t in timing.items() if t == "after"}
    lib = np.unique(panel["library_key"], return_inverse=True)[1]
    per = np.unique(panel["period"], return_inverse=True)[1]
    n_lib, n_per = lib.max() + 1, per.max() + 1
    rows = np.arange(len(panel))
    X = np.zeros((len(panel), n_lib + n_per))
    X[rows, lib] = 1
    X[rows[per > 0], n_lib + per[per > 0] - 1] = 1
    X[:, -1] = (panel["library_key"].to_numpy() == treated) & panel["period"].isin(post).to_numpy()
    y = panel["value"].to_numpy()
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    resid = y - X @ beta
    dof = len(y) - X.shape[1]
    sigma2 = resid @ resid / dof
    return float(math.sqrt(sigma2 * np.linalg.pinv(X.T @ X)[-1, -1])), dof


def run(forums: int, seed: int, kwargs: dict, naive: bool = False) -> dict:
    """Simulate ``forums`` forums of one scenario; returns the summary figures."""
    rng = np.random.default_rng(seed)
    truth = kwargs.get("effect", 0.0)
    cover = excl = p10 = naive_cover = 0
    widths, estimates = [], []
    for _ in range(forums):
        panel, treated, timing = simulate_panel(rng, **kwargs)
        r = did(panel, treated, timing)
        cover += r.ci_low <= truth <= r.ci_high
        excl += r.ci_low > 0 or r.ci_high < 0
        p10 += r.p <= 0.10
        widths.append(r.ci_high - r.ci_low)
        estimates.append(r.effect)
        if naive:
            se, dof = naive_se(panel, treated, timing)
            naive_cover += abs(r.effect - truth) <= stats.t.ppf(0.975, dof) * se
    c = cover / forums
    return {
        "coverage": c,
        "mc_error": math.sqrt(c * (1 - c) / forums),
        "width": float(np.mean(widths)),
        "ci_excludes_0": excl / forums,
        "p_le_10": p10 / forums,
        "mean_estimate": float(np.mean(estimates)),
        "naive_coverage": naive_cover / forums if naive else None,
    }


def main(argv: list[str] | None = None) -> None:
    """Run every scenario and write the table to ``--out``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forums", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--out", default="docs/projects-simulation.md")
    args = parser.parse_args(argv)
    t0 = time.time()
    lines = []
    naive_line = None
    for i, (name, kwargs) in enumerate(SCENARIOS):
        res = run(args.forums, args.seed + i, kwargs, naive=(i == 0))
        if res["naive_coverage"] is not None:
            naive_line = res["naive_coverage"]
        lines.append(
            f"| {name} | {kwargs.get('effect', 0.0):g} | {res['coverage']:.3f} | "
            f"{res['mc_error']:.3f} | {res['width']:.1f} | {res['ci_excludes_0']:.3f} | "
            f"{res['p_le_10']:.3f} | {res['mean_estimate']:+.2f} |"
        )
        print(lines[-1], flush=True)
    elapsed = time.time() - t0
    text = (
        f"""# Service projects: coverage over simulated forums

Generated by `bench/projects_coverage.py --forums {args.forums} --seed {args.seed}` in
{elapsed:.0f} s. Each row is {args.forums} simulated forums (`analysis.simulate_projects.simulate_panel`):
y_jt = 85 + a_j + g_t + s_jt + m_jt + effect x D_jt on the 0-100 index, library effects
a_j ~ N(0, 3), period effects g_t ~ N(0, 1.5), library-period shocks s_jt AR(1) over the periods
(sd 1.5, rho .5 unless stated), patron sampling error sd 15/sqrt(n_j) with n_j log-uniform on
15-400 (a touchpoint's ratings per library-year). One library at random runs the project, from a
random start between the 2nd and the 6th period. The estimate is `analysis.projects.did`: TWFE on
cell means, variance from placebo-in-space estimates (weighted, with the known sampling
variance), t interval with Satterthwaite degrees of freedom capped at J_c - 1, and the
studentised placebo p.

Coverage is the share of 95 % CIs containing the true effect (0 for "no effect"); Monte Carlo
error = sqrt(c(1 - c)/N), so a coverage within about two MC errors of .95 is on target.

| scenario | true effect | coverage | MC error | mean CI width | CI excludes 0 | placebo p <= .10 | mean estimate |
|---|---:|---:|---:|---:|---:|---:|---:|
"""
        + "\n".join(lines)
        + f"""

For comparison, the naive i.i.d. OLS standard error of the same regression (first scenario):
coverage {naive_line:.3f}. It treats the 90 library-years as independent and ignores both the
serial correlation of the shocks and that a single library is treated (Bertrand, Duflo &
Mullainathan 2004, QJE 119(1), https://doi.org/10.1162/003355304772839588 ).

How to read it:
- A project **without an effect** gets a CI containing 0 at about the nominal rate in the default
  forum and with equal library sizes (within about one Monte Carlo error of .95). The interval is
  conservative (coverage .97-.99) where the shocks are tiny next to the sampling error (the floor
  tau^2 >= 0), where the shocks are strongly serially correlated (the placebo spread then
  over-states the treated library's noise) and with 8 libraries (few degrees of freedom). In none
  of these scenarios is it anti-conservative by more than Monte Carlo error; the naive i.i.d.
  interval is.
- A project **with an effect** is recovered within its CI at the same rate, and the mean estimate
  is unbiased. "CI excludes 0" in the effect rows is the power: with 15 libraries a +5 point
  change on a touchpoint is found in only some forums, a +10 point change in most.
- The placebo p can never be below 1/(J_c + 1) (1/15 = .067 with 14 comparison libraries, 1/8 =
  .125 with 7), so "p <= .10" is the strictest placebo threshold a forum of 15 can reach and one
  of 8 never reaches it.
- With 8 libraries the intervals are much wider: the forum's size, not the patrons' number,
  limits what can be shown (docs/statistics.md §1).
"""
    )
    Path(args.out).write_text(text, encoding="utf-8")
    print(f"wrote {args.out} in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
