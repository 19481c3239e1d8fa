"""Simulated forums for the project estimator (``analysis.projects.did``): coverage of its
interval and size of its placebo p, in tests/test_projects.py and bench/projects_coverage.py.

Kept beside ``analysis.simulate`` (the forum simulation of the primary analysis) and out of
``analysis.projects``, which holds only what the product runs on real data.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = ["simulate_panel"]


def simulate_panel(
    rng: np.random.Generator,
    *,
    libraries: int = 15,
    periods: int = 6,
    effect: float = 0.0,
    sd_library: float = 3.0,
    sd_period: float = 1.5,
    sd_shock: float = 1.5,
    rho: float = 0.5,
    sd_person: float = 15.0,
    n_range: tuple[int, int] = (15, 400),
) -> tuple[pd.DataFrame, str, dict[str, str]]:
    """One simulated forum of library x period touchpoint cells, for coverage checks.

    y_jt = 85 + a_j + g_t + s_jt + m_jt + effect * D_jt on the 0-100 index, with library effects
    a_j ~ N(0, sd_library), period effects g_t ~ N(0, sd_period), library-period shocks s_jt that
    are AR(1) over periods (rho; stationary sd sd_shock: the serial correlation that makes naive
    DiD standard errors too small, Bertrand et al. 2004) and patron sampling error
    m_jt ~ N(0, sd_person^2 / n_j) with a library size n_j drawn log-uniformly from ``n_range``
    (heteroskedastic, as home delivery with 15 ratings next to the counter with 400). One library
    at random is treated from a random start between periods 2 and T-1.
    Returns (panel with library_key, period, value, var; treated key; timing dict).
    """
    keys = [f"L{j:02d}" for j in range(libraries)]
    labels = [str(2020 + t) for t in range(periods)]
    a = rng.normal(0, sd_library, libraries)
    g = rng.normal(0, sd_period, periods)
    s = np.empty((libraries, periods))
    s[:, 0] = rng.normal(0, sd_shock, libraries)
    innov = sd_shock * math.sqrt(1 - rho * rho)
    for t in range(1, periods):
        s[:, t] = rho * s[:, t - 1] + rng.normal(0, innov, libraries)
    n = np.exp(rng.uniform(math.log(n_range[0]), math.log(n_range[1]), libraries)).round()
    var = (sd_person**2 / n)[:, None] * np.ones((1, periods))
    m = rng.normal(0, 1, (libraries, periods)) * np.sqrt(var)
    treated = int(rng.integers(libraries))
    first_after = int(rng.integers(2, periods))
    d = np.zeros((libraries, periods))
    d[treated, first_after:] = 1.0
    y = 85 + a[:, None] + g[None, :] + s + m + effect * d
    panel = pd.DataFrame(
        {
            "library_key": np.repeat(keys, periods),
            "period": np.tile(labels, libraries),
            "value": y.ravel(),
            "var": var.ravel(),
        }
    )
    timing = {p: ("after" if t >= first_after else "before") for t, p in enumerate(labels)}
    return panel, keys[treated], timing
