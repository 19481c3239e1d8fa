"""Library-level association between staff wellbeing and patron satisfaction.

docs/statistics.md §7: the unit of inference is the library, so the primary test uses one
point per library (the unweighted mean of its matched library-period cell means), Pearson's
r with a Fisher-z interval and a permutation p-value; Spearman with a Bonett-Wright interval
is a sensitivity line.

Input contract (shared by ``analysis.multilevel`` and ``analysis.within_between``): a
``cells`` DataFrame with one row per library x period x side and columns ``library``,
``period``, ``side`` ("staff" | "patron"), ``n``, ``mean`` (0-100), ``ss_within`` (NaN when
only the aggregate is known) and ``touchpoint`` (None = overall).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "EXACT_PERMUTATION_MAX_J",
    "LibraryCorrelation",
    "library_correlation",
    "library_points",
    "matched_cells",
    "side_cells",
]

# J! pairings: 8! = 40,320 rows of 8 is still a few MB; 9! = 362,880 is not worth it when
# 9,999 random pairings already give a Monte Carlo SE of about .002 at p = .05.
EXACT_PERMUTATION_MAX_J = 8

UNWEIGHTED_STATEMENT = (
    "unweighted: one point per library; each library's value is the unweighted mean of its "
    "matched library-period cell means (the hypothesis is about libraries, not patrons)"
)

_CELL_COLUMNS = ("library", "period", "side", "n", "mean", "ss_within", "touchpoint")


def side_cells(cells: pd.DataFrame, side: str, touchpoint: str | None) -> pd.DataFrame:
    """Rows of one side: staff = overall rows; patron = the touchpoint's rows (None = overall).

    Returns the input rows (same columns) with ``n > 0`` and a finite mean; raises
    ValueError when a (library, period) has more than one such row.
    """
    rows = cells[cells["side"] == side]
    if "touchpoint" in rows.columns:
        # Staff have no touchpoints: staff cells are always the overall (None) rows; the
        # touchpoint argument selects only the patron rows.
        tp = rows["touchpoint"]
        if side == "staff" or touchpoint is None:
            rows = rows[tp.isna()]
        else:
            rows = rows[tp == touchpoint]
    rows = rows[(rows["n"] > 0) & np.isfinite(rows["mean"].astype(float))]
    if rows.duplicated(["library", "period"]).any():
        dup = rows[rows.duplicated(["library", "period"], keep=False)]
        raise ValueError(
            f"more than one {side} cell per (library, period): "
            f"{sorted(set(zip(dup['library'], dup['period'], strict=True)))[:5]}"
        )
    return rows


def matched_cells(cells: pd.DataFrame, touchpoint: str | None = None) -> pd.DataFrame:
    """Pair staff and patron cells on (library, period).

    Parameters
    ----------
    cells : DataFrame
        The input contract: ``library``, ``period``, ``side``, ``n``, ``mean``,
        ``ss_within``, ``touchpoint``.
    touchpoint : str or None
        Patron touchpoint to use; None = the overall patron index. Staff cells are always the
        overall (touchpoint None) rows.

    Returns
    -------
    DataFrame
        One row per matched (library, period), sorted by library then period, columns
        ``library``, ``period``, ``staff_n``, ``staff_mean``, ``staff_ss``, ``patron_n``,
        ``patron_mean``, ``patron_ss``. Cells with ``n <= 0`` or a missing mean are dropped
        before matching.
    """
    missing = [c for c in _CELL_COLUMNS if c not in cells.columns and c != "touchpoint"]
    if missing:
        raise ValueError(f"cells lacks columns {missing}")
    out = {}
    for side in ("staff", "patron"):
        rows = side_cells(cells, side, touchpoint)
        out[side] = pd.DataFrame(
            {
                "library": rows["library"].astype(str).to_numpy(),
                "period": rows["period"].astype(str).to_numpy(),
                f"{side}_n": rows["n"].astype(int).to_numpy(),
                f"{side}_mean": rows["mean"].astype(float).to_numpy(),
                f"{side}_ss": rows["ss_within"].astype(float).to_numpy(),
            }
        )
    merged = out["staff"].merge(out["patron"], on=["library", "period"], how="inner")
    return merged.sort_values(["library", "period"], ignore_index=True)


def library_points(cells: pd.DataFrame, touchpoint: str | None = None) -> pd.DataFrame:
    """Collapse matched cells to one point per library (docs/statistics.md §7).

    Each library's staff and patron values are the **unweighted** means of its matched
    library-period cell means, so every period counts once whatever its respondent count.

    Parameters
    ----------
    cells : DataFrame
        The input contract (see :func:`matched_cells`).
    touchpoint : str or None
        Patron touchpoint; None = overall.

    Returns
    -------
    DataFrame
        One row per library with columns ``library``, ``staff_mean``, ``patron_mean``,
        ``n_periods`` (matched periods), ``periods`` (comma-separated matched periods),
        ``staff_n``, ``patron_n`` (respondents summed over the matched periods) and
        ``aggregation`` (the weighting statement).
    """
    m = matched_cells(cells, touchpoint)
    g = m.groupby("library", sort=True)
    pts = pd.DataFrame(
        {
            "staff_mean": g["staff_mean"].mean(),
            "patron_mean": g["patron_mean"].mean(),
            "n_periods": g["period"].size(),
            "periods": g["period"].agg(lambda s: ",".join(sorted(s))),
            "staff_n": g["staff_n"].sum(),
            "patron_n": g["patron_n"].sum(),
        }
    ).reset_index()
    pts["aggregation"] = "unweighted mean of matched period means"
    return pts


@dataclass
class LibraryCorrelation:
    """Library-level Pearson/Spearman association (see :func:`library_correlation`)."""

    n: int
    pearson_r: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p_fisher: float | None = None
    p_t: float | None = None
    spearman_rho: float | None = None
    spearman_ci_low: float | None = None
    spearman_ci_high: float | None = None
    p_permutation: float | None = None
    permutation_method: str | None = None
    n_permutations: int | None = None
    seed: int | None = None
    confidence: float = 0.95
    weighting: str = UNWEIGHTED_STATEMENT
    libraries: list[str] = field(default_factory=list)
    reason: str | None = None

    def as_dict(self) -> dict:
        """Plain JSON-serialisable dict of all fields."""
        return asdict(self)


def _fisher_ci(r: float, n: int, se_z: float, confidence: float) -> tuple[float, float]:
    z = math.atanh(max(min(r, 1 - 1e-15), -1 + 1e-15))
    crit = stats.norm.ppf(0.5 + confidence / 2)
    return math.tanh(z - crit * se_z), math.tanh(z + crit * se_z)


def _standardise(v: np.ndarray) -> np.ndarray:
    c = v - v.mean()
    return c / np.sqrt((c * c).sum())


def _permutation_p(
    x: np.ndarray, y: np.ndarray, r_obs: float, n_permutations: int, seed: int
) -> tuple[float, str, int]:
    """Two-sided permutation p on |r| over pairings of x with y."""
    zx, zy = _standardise(x), _standardise(y)
    n = len(x)
    # Ties of |r| with the observed value must count as "at least as extreme"; float noise
    # in the dot products is far below this tolerance.
    tol = 1e-12 * max(1.0, abs(r_obs))
    if n <= EXACT_PERMUTATION_MAX_J:
        perms = np.array(list(itertools.permutations(range(n))), dtype=np.intp)
        r_perm = zx[perms] @ zy
        b = int(np.count_nonzero(np.abs(r_perm) >= abs(r_obs) - tol))
        # The identity pairing is among the J! and always counts, so p >= 1/J!.
        return b / len(perms), "exact", len(perms)
    rng = np.random.default_rng(seed)
    perms = rng.permuted(np.tile(np.arange(n), (n_permutations, 1)), axis=1)
    r_perm = zx[perms] @ zy
    b = int(np.count_nonzero(np.abs(r_perm) >= abs(r_obs) - tol))
    # (b + 1) / (B + 1): the observed pairing is one of the B + 1 (Phipson & Smyth 2010,
    # Stat. Appl. Genet. Mol. Biol. 9(1), https://doi.org/10.2202/1544-6115.1585).
    return (b + 1) / (n_permutations + 1), "monte_carlo", n_permutations


def library_correlation(
    x: Sequence[float] | np.ndarray | pd.Series,
    y: Sequence[float] | np.ndarray | pd.Series,
    libraries: Sequence[str] | None = None,
    n_permutations: int = 9999,
    seed: int = 20240501,
    confidence: float = 0.95,
) -> LibraryCorrelation:
    """Pearson and Spearman correlation of library-level staff and patron indices.

    Parameters
    ----------
    x, y : array-like
        One value per library (staff index, patron index), e.g. the ``staff_mean`` and
        ``patron_mean`` columns of :func:`library_points`. Pairs with a non-finite value
        are dropped.
    libraries : sequence of str, optional
        Library labels in the same order, echoed in the result.
    n_permutations : int
        Random pairings for the permutation test when J > 8 (for J <= 8 all J! pairings
        are enumerated and this is ignored).
    seed : int
        Seed of the numpy Generator for the random pairings (reproducible dashboard).
    confidence : float
        Confidence level of the intervals.

    Returns
    -------
    LibraryCorrelation
        Fields: ``n`` (libraries used), ``pearson_r``, ``ci_low``/``ci_high`` (Fisher z,
        SE = 1/sqrt(J-3)), ``p_fisher`` (normal test of atanh r, matches the interval),
        ``p_t`` (classical t-test with J-2 df), ``spearman_rho``,
        ``spearman_ci_low``/``spearman_ci_high`` (Bonett-Wright, SE_z =
        sqrt((1+rho^2/2)/(J-3))), ``p_permutation`` (two-sided on |r|; exact = share of all
        J! pairings with |r| >= observed; otherwise (b+1)/(B+1)), ``permutation_method``
        ("exact" | "monte_carlo"), ``n_permutations`` (pairings evaluated), ``seed``,
        ``confidence``, ``weighting`` (statement), ``libraries``, ``reason`` (why fields are
        None, else None). With J < 4 or a constant variable every statistic is None.

    Notes
    -----
    Fisher (1921); Bonett & Wright (2000), Psychometrika 65(1),
    https://doi.org/10.1007/BF02294183 . docs/statistics.md §7.
    """
    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.shape != ya.shape or xa.ndim != 1:
        raise ValueError("x and y must be 1-d and of equal length")
    labels = (
        [str(v) for v in libraries] if libraries is not None else [str(i) for i in range(len(xa))]
    )
    if len(labels) != len(xa):
        raise ValueError("libraries must have one label per value")
    ok = np.isfinite(xa) & np.isfinite(ya)
    xa, ya = xa[ok], ya[ok]
    labels = [lab for lab, keep in zip(labels, ok, strict=True) if keep]
    n = len(xa)
    res = LibraryCorrelation(n=n, seed=seed, confidence=confidence, libraries=labels)
    if n < 4:
        # Fisher's SE 1/sqrt(J-3) needs J >= 4, and with 3 points r says nothing.
        res.reason = f"only {n} libraries with both staff and patron data; at least 4 are needed"
        return res
    if np.ptp(xa) == 0 or np.ptp(ya) == 0:
        res.reason = "staff or patron index is identical in every library; r is undefined"
        return res

    pr = stats.pearsonr(xa, ya)
    r = float(pr.statistic)
    se_z = 1 / math.sqrt(n - 3)
    res.pearson_r = r
    res.ci_low, res.ci_high = _fisher_ci(r, n, se_z, confidence)
    z = math.atanh(max(min(r, 1 - 1e-15), -1 + 1e-15))
    res.p_fisher = float(2 * stats.norm.sf(abs(z) / se_z))
    res.p_t = float(pr.pvalue)

    rho = float(stats.spearmanr(xa, ya).statistic)
    res.spearman_rho = rho
    if np.isfinite(rho):
        se_bw = math.sqrt((1 + rho * rho / 2) / (n - 3))
        res.spearman_ci_low, res.spearman_ci_high = _fisher_ci(rho, n, se_bw, confidence)

    p, method, count = _permutation_p(xa, ya, r, n_permutations, seed)
    res.p_permutation, res.permutation_method, res.n_permutations = p, method, count
    return res
