"""Simulate power of the within-library slope (REWB beta_W) by number of periods T.

Writes ``analysis/power_within_table.csv`` (read by ``analysis.power.within_power``).

Design (docs/statistics.md §11): J libraries x T periods of library-period *cell means*.
x_jt = a_j + p_t + e_jt,  y_jt = b_j + q_t + r * e_jt + sqrt(1 - r^2) * f_jt,
with library effects (a_j, b_j) correlated 0.5 with each other (between-library confounding the
within estimator must ignore), period shocks (p_t, q_t) shared by all libraries (a forum-wide budget
year), and e, f ~ N(0, 1). ``r`` is therefore the true *within-library* correlation of the cell
means (measurement error in the staff means is already part of it).

Estimator: the fixed-effects (two-way demeaned) OLS slope, which is exactly the REWB within
coefficient with period fixed effects (Bell & Jones 2015, https://doi.org/10.1017/psrm.2014.7 ),
tested with t on (J-1)(T-1) - 1 residual df, two-sided alpha = .05. A balanced panel makes
two-way demeaning exact, so the whole simulation is a few vectorised numpy operations.

Usage: ``python bench/power_within.py [--reps 4000] [--seed 20240501]`` (takes a few seconds).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

R_GRID = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)
T_GRID = (2, 3, 4, 5, 6, 8)
J_GRID = (10, 15, 20, 30, 50)
OUT = Path(__file__).resolve().parents[1] / "analysis" / "power_within_table.csv"


def simulate_cell(
    r: float, T: int, J: int, reps: int, rng: np.random.Generator, alpha: float = 0.05
) -> float:
    """Share of ``reps`` simulated forums whose within slope is significant at ``alpha``."""
    lib = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=(reps, J))  # (reps, J, 2)
    per = rng.normal(size=(reps, 1, T, 2))
    e = rng.normal(size=(reps, J, T))
    f = rng.normal(size=(reps, J, T))
    x = lib[:, :, None, 0] + per[..., 0] + e
    y = lib[:, :, None, 1] + per[..., 1] + r * e + np.sqrt(1 - r**2) * f

    def demean(a: np.ndarray) -> np.ndarray:
        # two-way within transformation: removes library and period effects exactly (balanced)
        return (
            a
            - a.mean(axis=2, keepdims=True)
            - a.mean(axis=1, keepdims=True)
            + a.mean((1, 2))[:, None, None]
        )

    xd, yd = demean(x), demean(y)
    sxx = (xd**2).sum((1, 2))
    b = (xd * yd).sum((1, 2)) / sxx
    df = (J - 1) * (T - 1) - 1
    resid = yd - b[:, None, None] * xd
    se = np.sqrt((resid**2).sum((1, 2)) / df / sxx)
    p = 2 * stats.t.sf(np.abs(b / se), df)
    return float((p < alpha).mean())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=20240501)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    t0 = time.perf_counter()
    rows = []
    for J in J_GRID:
        for T in T_GRID:
            for r in R_GRID:
                pw = simulate_cell(r, T, J, a.reps, rng)
                rows.append(
                    {
                        "J": J,
                        "T": T,
                        "r_within": r,
                        "power": round(pw, 4),
                        "mc_se": round(float(np.sqrt(pw * (1 - pw) / a.reps)), 4),
                        "reps": a.reps,
                    }
                )
    df = pd.DataFrame(rows)
    df.to_csv(a.out, index=False)
    print(f"wrote {len(df)} rows to {a.out} in {time.perf_counter() - t0:.1f} s (seed {a.seed})")
    print(df[(df.J == 15) & df.r_within.isin([0.0, 0.2, 0.3])].to_string(index=False))


if __name__ == "__main__":
    main()
