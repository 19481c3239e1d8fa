"""Design power for the library-level correlation and the within-library slope (docs/statistics.md §11).

Power here is a *planning* figure: it is computed for assumed true correlations (.2, .3, .5; the
linkage literature expects .2-.35, Harter, Schmidt & Hayes 2002,
https://doi.org/10.1037/0021-9010.87.2.268 ), never from the observed estimate ("observed power"
is a transformation of the p-value and says nothing new; Hoenig & Heisey 2001, The American
Statistician 55(1), https://doi.org/10.1198/000313001300339897 ).

Attenuation: unreliable library means shrink the correlation one can observe,
r_obs = r_true * sqrt(lambda_x * lambda_y) (Spearman 1904; for group means Lüdtke et al. 2008,
https://doi.org/10.1037/a0012869 ). Power and "libraries needed" are given for the naive and the
attenuated r.

Library-level r: Fisher z test, power = Phi(atanh(r) sqrt(J-3) - z_{1-a/2}) + Phi(-atanh(r) sqrt(J-3)
- z_{1-a/2}), via statsmodels ``normal_power`` (Cohen 1988, ch. 3). ``method="exact"`` integrates the
exact density of the sample correlation (Hotelling 1953, JRSS-B 15(2),
https://doi.org/10.1111/j.2517-6161.1953.tb00135.x ) against the exact t-test critical value; it
reproduces G*Power's "exact" bivariate-normal figures and is offered as a check.

Within-library slope: read from the table that ``bench/power_within.py`` simulates.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from io import StringIO

import numpy as np
import pandas as pd
from scipy import integrate, special, stats
from statsmodels.stats.power import normal_power

__all__ = [
    "attenuated_r",
    "libraries_needed",
    "min_detectable_r",
    "periods_needed",
    "power_curve",
    "power_r",
    "power_summary",
    "within_power",
    "within_power_table",
]

PLANNING_R = (0.2, 0.3, 0.5)

# lambda = 0 (ICC(1) <= 0 at these group sizes) is the worst attenuation, not "no attenuation"
ZERO_RELIABILITY = {
    "da": "Medarbejdernes gennemsnit bærer ikke noget signal om forskelle mellem bibliotekerne ved "
    "de nuværende antal svar (pålidelighed λ = 0), så intet antal biblioteker ville kunne vise en "
    "sammenhæng; flere svar pr. bibliotek skal til først.",
    "en": "The staff averages carry no between-library signal at these group sizes (reliability "
    "λ = 0), so no number of libraries could show a link; more respondents per library come first.",
}


def attenuated_r(r: float, lambda_x: float | None = 1.0, lambda_y: float | None = 1.0) -> float:
    """Expected observed correlation of unreliable means: r * sqrt(lambda_x * lambda_y).

    None for a lambda means "unknown" and is treated as 1 (no attenuation), so callers must
    report the lambda they used.
    """
    lx = 1.0 if lambda_x is None else float(lambda_x)
    ly = 1.0 if lambda_y is None else float(lambda_y)
    if not (0.0 <= lx <= 1.0 and 0.0 <= ly <= 1.0):
        raise ValueError("reliabilities must lie in [0, 1]")
    return float(r) * math.sqrt(lx * ly)


def _exact_density(r: np.ndarray | float, rho: float, n: int) -> np.ndarray | float:
    # Hotelling (1953) form of the exact density of Pearson r for bivariate normal data.
    lg = special.gammaln(n - 1) - special.gammaln(n - 0.5)
    return (
        (n - 2)
        * np.exp(lg)
        * (1 - rho**2) ** ((n - 1) / 2)
        * (1 - np.square(r)) ** ((n - 4) / 2)
        / (np.sqrt(2 * np.pi) * (1 - rho * r) ** (n - 1.5))
        * special.hyp2f1(0.5, 0.5, n - 0.5, (rho * r + 1) / 2)
    )


def power_r(r: float, J: int, alpha: float = 0.05, method: str = "fisher") -> float:
    """Two-sided power of the test of a library-level correlation r with J libraries.

    Parameters
    ----------
    r : float
        Assumed true (or attenuated) correlation, |r| < 1.
    J : int
        Number of libraries (points); at least 4.
    method : {"fisher", "exact"}
        "fisher" (default, docs/statistics.md §11): statsmodels ``normal_power(atanh r, J - 3, alpha)``.
        "exact": exact distribution of r with the t-test critical value.
    """
    if J < 4:
        raise ValueError("J must be at least 4")
    if not -1 < r < 1:
        raise ValueError("|r| must be < 1")
    if method == "fisher":
        return float(normal_power(np.arctanh(abs(r)), J - 3, alpha))
    if method == "exact":
        t = stats.t.isf(alpha / 2, J - 2)
        rc = t / math.sqrt(J - 2 + t * t)
        up = integrate.quad(_exact_density, rc, 1, args=(abs(r), J))[0]
        lo = integrate.quad(_exact_density, -1, -rc, args=(abs(r), J))[0]
        return float(up + lo)
    raise ValueError("method must be 'fisher' or 'exact'")


def libraries_needed(
    r: float, power: float = 0.80, alpha: float = 0.05, method: str = "fisher"
) -> int | None:
    """Smallest J whose power for r reaches ``power`` (None when r == 0).

    The Fisher closed form J = ((z_{1-a/2} + z_{power}) / atanh r)^2 + 3 is a real number; we
    return the smallest *integer* J that reaches the target, i.e. the closed form rounded up
    (checked against :func:`power_r`). Rounding to nearest would print 29 for r = .5 (closed
    form 29.01) where this returns 30 (docs/statistics.md §11); the exact method also gives 29.
    """
    if r == 0:
        return None
    za, zb = stats.norm.isf(alpha / 2), stats.norm.ppf(power)
    j = max(4, math.ceil(((za + zb) / np.arctanh(abs(r))) ** 2 + 3 - 1e-9))
    # the closed form ignores the far tail; step to the exact integer answer of power_r
    while j > 4 and power_r(r, j - 1, alpha, method) >= power:
        j -= 1
    while power_r(r, j, alpha, method) < power:
        j += 1
    return j


def min_detectable_r(J: int, power: float = 0.80, alpha: float = 0.05) -> float:
    """Smallest true r detectable with ``power`` at J libraries (Fisher z):
    tanh((z_{1-a/2} + z_power) / sqrt(J - 3))."""
    if J < 4:
        raise ValueError("J must be at least 4")
    za, zb = stats.norm.isf(alpha / 2), stats.norm.ppf(power)
    return float(np.tanh((za + zb) / math.sqrt(J - 3)))


def power_curve(
    J_values: range | list[int] | np.ndarray = range(5, 201),
    r_values: tuple[float, ...] = PLANNING_R,
    lambda_x: float | None = None,
    lambda_y: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Power over J for the dashboard's "how many libraries would we need?".

    Returns
    -------
    DataFrame
        Long: ``J``, ``r_true``, ``lambda_x``, ``lambda_y``, ``r_attenuated``, ``kind``
        ("naive" = perfectly reliable means, "attenuated" = with the given lambdas; the
        attenuated rows are omitted when no lambda is given), ``power``.
    """
    rows = []
    kinds = [("naive", 1.0, 1.0)]
    if lambda_x is not None or lambda_y is not None:
        kinds.append(("attenuated", lambda_x, lambda_y))
    for r in r_values:
        for kind, lx, ly in kinds:
            ra = attenuated_r(r, lx, ly)
            for J in J_values:
                rows.append(
                    {
                        "J": int(J),
                        "r_true": r,
                        "lambda_x": 1.0 if lx is None else lx,
                        "lambda_y": 1.0 if ly is None else ly,
                        "r_attenuated": ra,
                        "kind": kind,
                        "power": power_r(ra, int(J), alpha) if ra != 0 else alpha,
                    }
                )
    return pd.DataFrame(rows)


def _key(r: float) -> str:
    return f"{r:.1f}".replace(".", "_")


def power_summary(
    J: int,
    lambda_x: float | None = None,
    lambda_y: float | None = None,
    alpha: float = 0.05,
    target: float = 0.80,
) -> dict:
    """The ``power`` object of ``analyze --json``.

    Returns
    -------
    dict
        ``J``, ``alpha``, ``target_power``, ``method`` ("Fisher z"), ``lambda_x``, ``lambda_y``,
        ``min_detectable_r_80`` (true r, perfectly reliable means),
        ``min_detectable_r_80_attenuated`` (true r once attenuation is counted, or None),
        for r in .2/.3/.5 (key suffix ``r_0_2`` ...): ``power_r_0_2`` (naive),
        ``power_attenuated_r_0_2``, ``libraries_needed_r_0_2`` (naive),
        ``libraries_needed_attenuated_r_0_2``; ``note`` (planning figures, not observed power);
        ``zero_reliability`` (True when a lambda is 0) with the plain sentence why in
        ``zero_reliability_da`` / ``zero_reliability_en``. Attenuated entries are None when no
        lambda is known, and when a lambda is 0: the staff averages then carry no
        between-library signal, so no number of libraries gives a finite figure. Figures are
        None when J < 4.
    """
    has_lambda = lambda_x is not None or lambda_y is not None
    # None = unknown (no attenuation counted); 0 is a real value: no between-library signal
    att = (
        math.sqrt((1.0 if lambda_x is None else lambda_x) * (1.0 if lambda_y is None else lambda_y))
        if has_lambda
        else None
    )
    zero = att is not None and att <= 0
    out: dict = {
        "J": int(J),
        "alpha": alpha,
        "target_power": target,
        "method": "Fisher z (statsmodels normal_power)",
        "lambda_x": lambda_x,
        "lambda_y": lambda_y,
        "min_detectable_r_80": None,
        "min_detectable_r_80_attenuated": None,
        "note": "planning figures for assumed true correlations; not post-hoc observed power",
        "zero_reliability": zero,
        "zero_reliability_da": ZERO_RELIABILITY["da"] if zero else None,
        "zero_reliability_en": ZERO_RELIABILITY["en"] if zero else None,
    }
    ok = J >= 4
    if ok:
        mdr = min_detectable_r(J, target, alpha)
        out["min_detectable_r_80"] = mdr
        if att is not None and att > 0:
            # the true r whose attenuated value equals the detectable observed r
            out["min_detectable_r_80_attenuated"] = mdr / att if mdr / att < 1 else None
    for r in PLANNING_R:
        s = _key(r)
        ra = attenuated_r(r, lambda_x, lambda_y) if has_lambda else None
        out[f"power_r_{s}"] = power_r(r, J, alpha) if ok else None
        out[f"power_attenuated_r_{s}"] = (
            (alpha if zero else power_r(ra, J, alpha)) if ok and ra is not None else None
        )
        out[f"libraries_needed_r_{s}"] = libraries_needed(r, target, alpha)
        out[f"libraries_needed_attenuated_r_{s}"] = (
            libraries_needed(ra, target, alpha) if ra else None
        )
    return out


@cache
def _table_text() -> str:
    return resources.files(__package__).joinpath("power_within_table.csv").read_text("utf-8")


def within_power_table() -> pd.DataFrame:
    """The simulated within-slope power table shipped with the package.

    Returns
    -------
    DataFrame
        ``J``, ``T``, ``r_within``, ``power``, ``mc_se`` (Monte Carlo SE), ``reps``; produced by
        ``bench/power_within.py`` (fixed-effects slope with period fixed effects, t on
        (J-1)(T-1)-1 df).
    """
    return pd.read_csv(StringIO(_table_text()))


def within_power(r_within: float, T: int, J: int = 15) -> dict:
    """Simulated power of the within-library slope for a true within-r, T periods and J libraries.

    Uses the nearest tabulated J and r (the table is a planning aid, not an exact calculator);
    the returned dict says which grid point was used.

    Returns
    -------
    dict
        ``power``, ``mc_se``, ``J_table``, ``T_table``, ``r_table``, ``reason`` (None, or why
        power is None, e.g. T outside the simulated grid).
    """
    tab = within_power_table()
    out = {"power": None, "mc_se": None, "J_table": None, "T_table": None, "r_table": None}
    out["reason"] = None
    if T not in set(tab["T"]):
        out["reason"] = (
            f"not available: T = {T} is outside the simulated grid {sorted(set(tab['T']))}"
        )
        return out
    Js = np.array(sorted(set(tab["J"])))
    rs = np.array(sorted(set(tab["r_within"])))
    Jt = int(Js[np.argmin(np.abs(Js - float(J)))])
    rt = float(rs[np.argmin(np.abs(rs - abs(r_within)))])
    row = tab[(tab["J"] == Jt) & (tab["T"] == T) & np.isclose(tab["r_within"], rt)].iloc[0]
    out.update(
        power=float(row["power"]), mc_se=float(row["mc_se"]), J_table=Jt, T_table=int(T), r_table=rt
    )
    return out


def periods_needed(r_within: float, J: int = 15, target: float = 0.80) -> int | None:
    """Fewest periods T in the simulated grid whose within-slope power reaches ``target``.

    None when even the largest simulated T (8) falls short.
    """
    tab = within_power_table()
    for T in sorted(set(tab["T"])):
        p = within_power(r_within, T, J)["power"]
        if p is not None and p >= target:
            return int(T)
    return None
