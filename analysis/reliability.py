"""Measurement gates: Cronbach's alpha, ICC(1)/ICC(2), reliability lambda and rwg.

docs/statistics.md §4-6. Everything here works from *sufficient statistics* so the same code runs on
individual answers and on the aggregate-only forum package:

- alpha needs, per scale x period, the number of complete respondents and the item covariance matrix;
- ICC(1)/ICC(2) need, per library, the number of respondents n_j, the mean and the within-library sum
  of squares;
- rwg needs, per library, the item variances.

Anonymity: every function takes ``k`` (default 5, the "rule of 5"). A per-library row with fewer than
``k`` respondents has its figures set to missing (NaN in a DataFrame, None in a dict) and the reason
:data:`SUPPRESSED`. Forum-wide figures (ICC, alpha over all libraries) leave such libraries out
entirely, because with J = 15 the 14 visible libraries and a forum figure solve for the hidden one
(docs/statistics.md §13).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

SUPPRESSED = "suppressed: fewer than k respondents"
AGGREGATES_ONLY = "not available: only aggregates were uploaded"
ALPHA_THRESHOLD = 0.70
ICC2_THRESHOLD = 0.70
RWG_THRESHOLD = 0.70
ICC1_ASSUMED_RANGE = (0.05, 0.20)

__all__ = [
    "AGGREGATES_ONLY",
    "ICC1_ASSUMED_RANGE",
    "SUPPRESSED",
    "ICCResult",
    "cronbach_alpha",
    "cronbach_alpha_from_cov",
    "cronbach_alpha_from_stats",
    "icc_from_rows",
    "icc_from_stats",
    "item_sufficient_stats",
    "lambda_from_n",
    "lambda_from_n_range",
    "library_sufficient_stats",
    "reliability_summary",
    "rwg",
    "rwg_from_rows",
]


def _none_if_nan(x: object) -> object:
    if x is None:
        return None
    if isinstance(x, float | np.floating) and not np.isfinite(x):
        return None
    if isinstance(x, np.generic):
        return x.item()
    return x


# --------------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------------


def cronbach_alpha_from_cov(cov: np.ndarray | pd.DataFrame, n: int, ci: float = 0.95) -> dict:
    """Cronbach's alpha (with Feldt CI) from an item covariance matrix and the number of respondents.

    alpha = k/(k-1) * (1 - sum(s_i^2) / s_total^2), where s_total^2 = sum of all covariance entries
    is the variance of the sum score (Cronbach 1951, https://doi.org/10.1007/BF02310555 ).

    Parameters
    ----------
    cov : (k, k) array
        Sample covariance matrix (ddof=1) of the k items over the same (complete) respondents.
    n : int
        Number of complete respondents the matrix was computed from.
    ci : float
        Confidence level of the Feldt (1965) interval: (1 - alpha) * F ~ F(n-1, (n-1)(k-1)),
        https://doi.org/10.1007/BF02289499 (the interval pingouin also uses).

    Returns
    -------
    dict
        ``alpha``, ``ci_low``, ``ci_high``, ``k_items``, ``n``; figures None when undefined
        (fewer than 2 items, fewer than 2 respondents or zero total variance).
    """
    c = np.asarray(cov, dtype=float)
    k_items = int(c.shape[0])
    out = {"alpha": None, "ci_low": None, "ci_high": None, "k_items": k_items, "n": int(n)}
    total_var = float(c.sum())
    if k_items < 2 or n < 2 or not np.isfinite(total_var) or total_var <= 0:
        return out
    alpha = k_items / (k_items - 1) * (1.0 - float(np.trace(c)) / total_var)
    out["alpha"] = alpha
    if n >= 3:
        df1, df2 = n - 1, (n - 1) * (k_items - 1)
        g = 1.0 - ci
        # Feldt: lower bound uses the upper F quantile.
        out["ci_low"] = 1.0 - (1.0 - alpha) * stats.f.isf(g / 2, df1, df2)
        out["ci_high"] = 1.0 - (1.0 - alpha) * stats.f.ppf(g / 2, df1, df2)
    return out


def item_sufficient_stats(
    rows: pd.DataFrame,
    by: Sequence[str] = ("scale", "period"),
    *,
    k: int = 5,
    response_col: str = "response_id",
    item_col: str = "item",
    value_col: str = "value",
) -> pd.DataFrame:
    """Item means and covariances per group after listwise deletion (the forum-package form of alpha).

    Listwise deletion: within each group a respondent enters only if they answered every item of
    the group (missing / "Ved ikke" answers are NaN or absent rows); the number dropped is kept.

    Parameters
    ----------
    rows : DataFrame
        Long answers, one row per respondent x item: ``response_col``, ``item_col``, ``value_col``
        and the ``by`` columns.
    by : sequence of str
        Grouping columns, e.g. ``("scale", "period")`` or ``("library", "scale", "period")``.

    Returns
    -------
    DataFrame
        One row per group x item pair (i <= j), columns: *by*, ``n`` (complete respondents),
        ``n_incomplete`` (dropped listwise), ``item_i``, ``item_j``, ``mean_i``, ``mean_j``, ``cov``
        (ddof=1; ``item_i == item_j`` rows carry the item variances), ``reason`` (SUPPRESSED
        with means and covariances missing when n < k: this table may leave the installation).
    """
    by = list(by)
    out = []
    for key, g in rows.groupby(by, sort=True, dropna=False):
        wide = g.pivot_table(
            index=response_col, columns=item_col, values=value_col, aggfunc="first", dropna=False
        )
        wide = wide.reindex(columns=sorted(wide.columns))
        complete = wide.dropna(how="any")
        n_inc = int(len(wide) - len(complete))
        n = int(len(complete))
        cov = complete.cov(ddof=1) if n >= 2 else pd.DataFrame(np.nan, wide.columns, wide.columns)
        means = complete.mean()
        items = list(wide.columns)
        keyt = key if isinstance(key, tuple) else (key,)
        for a, ia in enumerate(items):
            for ib in items[a:]:
                rec = dict(zip(by, keyt, strict=True))
                rec.update(
                    n=n,
                    n_incomplete=n_inc,
                    item_i=ia,
                    item_j=ib,
                    mean_i=float(means[ia]) if n else np.nan,
                    mean_j=float(means[ib]) if n else np.nan,
                    cov=float(cov.loc[ia, ib]),
                    reason=None,
                )
                if n < k:
                    rec.update(mean_i=np.nan, mean_j=np.nan, cov=np.nan, reason=SUPPRESSED)
                out.append(rec)
    cols = by + ["n", "n_incomplete", "item_i", "item_j", "mean_i", "mean_j", "cov", "reason"]
    return pd.DataFrame(out, columns=cols)


def cronbach_alpha_from_stats(
    item_stats: pd.DataFrame,
    by: Sequence[str] = ("scale", "period"),
    *,
    k: int = 5,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Cronbach's alpha per group from item sufficient statistics (see :func:`item_sufficient_stats`).

    Parameters
    ----------
    item_stats : DataFrame
        Columns *by*, ``n``, ``item_i``, ``item_j``, ``cov`` (upper triangle incl. diagonal is
        enough; ``n_incomplete`` optional).
    k : int
        Anonymity threshold: groups with fewer than k complete respondents are suppressed.

    Returns
    -------
    DataFrame
        One row per group: *by*, ``n``, ``n_incomplete``, ``k_items``, ``alpha``, ``ci_low``,
        ``ci_high`` (Feldt 95 %), ``below_threshold`` (alpha < .70), ``missing_rule``
        ("listwise deletion"), ``reason`` (None, or why figures are missing).
    """
    by = list(by)
    out = []
    for key, g in item_stats.groupby(by, sort=True, dropna=False):
        items = sorted(set(g["item_i"]) | set(g["item_j"]))
        idx = {it: i for i, it in enumerate(items)}
        c = np.full((len(items), len(items)), np.nan)
        for r in g.itertuples(index=False):
            i, j = idx[r.item_i], idx[r.item_j]
            c[i, j] = c[j, i] = r.cov
        n = int(g["n"].iloc[0])
        n_inc = g["n_incomplete"].iloc[0] if "n_incomplete" in g else np.nan
        keyt = key if isinstance(key, tuple) else (key,)
        rec = dict(zip(by, keyt, strict=True))
        rec.update(n=n, n_incomplete=_none_if_nan(n_inc), k_items=len(items))
        reason = None
        if n < k:
            res = {"alpha": None, "ci_low": None, "ci_high": None}
            reason = SUPPRESSED
        elif np.isnan(c).any():
            res = {"alpha": None, "ci_low": None, "ci_high": None}
            reason = "not available: incomplete covariance matrix"
        else:
            res = cronbach_alpha_from_cov(c, n, ci)
            if res["alpha"] is None:
                reason = "not available: fewer than 2 items, 2 respondents or no variance"
        rec.update(alpha=res["alpha"], ci_low=res["ci_low"], ci_high=res["ci_high"])
        rec["below_threshold"] = None if res["alpha"] is None else res["alpha"] < ALPHA_THRESHOLD
        rec["missing_rule"] = "listwise deletion"
        rec["reason"] = reason
        out.append(rec)
    cols = by + [
        "n",
        "n_incomplete",
        "k_items",
        "alpha",
        "ci_low",
        "ci_high",
        "below_threshold",
        "missing_rule",
        "reason",
    ]
    df = pd.DataFrame(out, columns=cols)
    for c_ in ("alpha", "ci_low", "ci_high"):
        df[c_] = pd.to_numeric(df[c_], errors="coerce").astype(float)
    return df


def cronbach_alpha(
    rows: pd.DataFrame,
    by: Sequence[str] = ("scale", "period"),
    *,
    k: int = 5,
    ci: float = 0.95,
    response_col: str = "response_id",
    item_col: str = "item",
    value_col: str = "value",
) -> pd.DataFrame:
    """Cronbach's alpha per scale x period from individual answers (listwise deletion).

    Goes through :func:`item_sufficient_stats` so rows and the aggregate forum package give
    identical results. Columns as :func:`cronbach_alpha_from_stats`.
    """
    st = item_sufficient_stats(
        rows, by, k=k, response_col=response_col, item_col=item_col, value_col=value_col
    )
    return cronbach_alpha_from_stats(st, by, k=k, ci=ci)


# --------------------------------------------------------------------------------------------
# ICC(1), ICC(2), lambda
# --------------------------------------------------------------------------------------------


def library_sufficient_stats(
    rows: pd.DataFrame, *, group_col: str = "library", value_col: str = "score"
) -> pd.DataFrame:
    """Per-library n, mean and within sum of squares of a respondent-level score.

    Returns
    -------
    DataFrame
        Columns ``library`` (named after ``group_col``), ``n``, ``mean``, ``ss_within``
        (sum of squared deviations from the library mean). Rows with a missing score are dropped.
    """
    d = rows[[group_col, value_col]].dropna()
    g = d.groupby(group_col, sort=True)[value_col]
    out = pd.DataFrame({"n": g.size(), "mean": g.mean()})
    out["ss_within"] = g.var(ddof=0) * out["n"]
    return out.reset_index()


def lambda_from_n(n: np.ndarray | pd.Series | float, rho: float) -> np.ndarray | float:
    """Reliability of a group mean, lambda = n*rho / (1 + (n-1)*rho) (Spearman-Brown; Bliese 2000).

    ``rho`` below 0 is treated as 0 (a negative ICC estimate means no detectable between-library
    variance, so the means carry no reliable between-library signal).
    """
    rho = max(float(rho), 0.0)
    n_arr = np.asarray(n, dtype=float)
    lam = n_arr * rho / (1.0 + (n_arr - 1.0) * rho)
    return float(lam) if lam.ndim == 0 else lam


@dataclass(frozen=True)
class ICCResult:
    """ICC(1), ICC(2) of library means from a one-way ANOVA (Bliese 2000).

    Attributes
    ----------
    icc1, icc2 : float or None
        ICC(1) = (MSB - MSW) / (MSB + (kbar - 1) MSW); ICC(2) = (MSB - MSW) / MSB.
    msb, msw : float or None
        Between and within mean squares.
    kbar : float or None
        Group size used in ICC(1) (``group_size_method``: "mean" = N/J as in R multilevel::ICC1,
        "adjusted" = (N - sum n_j^2 / N) / (J - 1)).
    n_libraries, n_respondents : int
        Libraries and respondents that entered (after anonymity exclusions).
    libraries : DataFrame
        Per library: ``library``, ``n``, ``mean``, ``lambda`` (n_j*rho/(1+(n_j-1)rho) with
        rho = ICC(1)), ``included``, ``reason``.
    excluded : list of dict
        ``{"library", "reason"}`` for libraries left out.
    reason : str or None
        Why the forum figures are missing, if they are.
    """

    icc1: float | None
    icc2: float | None
    msb: float | None
    msw: float | None
    kbar: float | None
    group_size_method: str
    n_libraries: int
    n_respondents: int
    libraries: pd.DataFrame
    excluded: list = field(default_factory=list)
    reason: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready dict (the per-library table as a list of records, NaN as None)."""
        d = asdict(self)
        d["libraries"] = [
            {k_: _none_if_nan(v) for k_, v in r.items()}
            for r in self.libraries.to_dict(orient="records")
        ]
        return {k_: (_none_if_nan(v) if not isinstance(v, list) else v) for k_, v in d.items()}


def icc_from_stats(
    stats_df: pd.DataFrame,
    *,
    k: int = 5,
    group_size: str = "mean",
    library_col: str = "library",
) -> ICCResult:
    """ICC(1), ICC(2) and per-library lambda from per-library sufficient statistics.

    One-way random-effects ANOVA (docs/statistics.md §5; Bliese 2000 in Klein & Kozlowski (eds.),
    *Multilevel Theory, Research and Methods in Organizations*, pp. 349-381):
    SSB = sum n_j (mean_j - grand)^2 on J-1 df, SSW = sum ss_within_j on N-J df.

    Parameters
    ----------
    stats_df : DataFrame
        Columns ``library``, ``n``, ``mean``, ``ss_within`` (see :func:`library_sufficient_stats`).
    k : int
        Anonymity threshold. Libraries with n < k are left out of the ANOVA and their row is
        suppressed, because a forum figure plus the visible libraries would reveal them.
    group_size : {"mean", "adjusted"}
        kbar for ICC(1). "mean" (default) is N/J, what Bliese's R package ``multilevel::ICC1`` uses
        and what docs/statistics.md §5 states; "adjusted" is the classical unequal-n ANOVA group size
        n0 = (N - sum n_j^2/N)/(J-1) (Snedecor & Cochran; Searle, Casella & McCulloch 1992). They
        agree for equal n.

    Returns
    -------
    ICCResult
    """
    if group_size not in ("mean", "adjusted"):
        raise ValueError("group_size must be 'mean' or 'adjusted'")
    d = stats_df.rename(columns={library_col: "library"}).copy()
    d["n"] = d["n"].astype(int)
    small = d["n"] < k
    excluded = [{"library": lib, "reason": SUPPRESSED} for lib in d.loc[small, "library"]]
    use = d.loc[~small]
    J = len(use)
    N = int(use["n"].sum())
    table = d[["library", "n", "mean"]].copy()
    table["lambda"] = np.nan
    table["included"] = ~small
    table["reason"] = np.where(small, SUPPRESSED, None)
    table.loc[small, "mean"] = np.nan

    def _result(**kw) -> ICCResult:
        return ICCResult(
            group_size_method=group_size,
            n_libraries=J,
            n_respondents=N,
            libraries=table,
            excluded=excluded,
            **kw,
        )

    if J < 2 or N - J < 1:
        return _result(
            icc1=None,
            icc2=None,
            msb=None,
            msw=None,
            kbar=None,
            reason="not available: fewer than 2 libraries with at least k respondents",
        )
    grand = float((use["n"] * use["mean"]).sum() / N)
    ssb = float((use["n"] * (use["mean"] - grand) ** 2).sum())
    ssw = float(use["ss_within"].sum())
    msb = ssb / (J - 1)
    msw = ssw / (N - J)
    if group_size == "mean":
        kbar = N / J
    else:
        kbar = (N - float((use["n"] ** 2).sum()) / N) / (J - 1)
    denom1 = msb + (kbar - 1.0) * msw
    icc1 = (msb - msw) / denom1 if denom1 > 0 else None
    icc2 = (msb - msw) / msb if msb > 0 else None
    if icc1 is not None:
        table.loc[~small, "lambda"] = lambda_from_n(table.loc[~small, "n"].to_numpy(), icc1)
    return _result(icc1=icc1, icc2=icc2, msb=msb, msw=msw, kbar=kbar, reason=None)


def icc_from_rows(
    rows: pd.DataFrame,
    *,
    k: int = 5,
    group_size: str = "mean",
    group_col: str = "library",
    value_col: str = "score",
) -> ICCResult:
    """ICC(1)/ICC(2) from respondent rows (one score per respondent); see :func:`icc_from_stats`."""
    st = library_sufficient_stats(rows, group_col=group_col, value_col=value_col)
    return icc_from_stats(st, k=k, group_size=group_size, library_col=group_col)


def lambda_from_n_range(
    n_df: pd.DataFrame,
    *,
    icc1_range: tuple[float, float] = ICC1_ASSUMED_RANGE,
    k: int = 5,
    library_col: str = "library",
) -> pd.DataFrame:
    """Per-library reliability lambda from n alone, for aggregate-only uploads.

    When only means and n per library arrived, ICC(1) cannot be estimated; docs/statistics.md
    §5 says to use a stated ICC(1) range (.05-.20, the typical range for organisational
    climate/wellbeing, Bliese 2000).

    Returns
    -------
    DataFrame
        ``library``, ``n``, ``icc1_low``, ``icc1_high``, ``lambda_low``, ``lambda_high``,
        ``source`` ("assumed ICC(1) range; only aggregates were uploaded"), ``reason``
        (SUPPRESSED for n < k).
    """
    lo, hi = icc1_range
    d = n_df.rename(columns={library_col: "library"})[["library", "n"]].copy()
    d["icc1_low"], d["icc1_high"] = lo, hi
    d["lambda_low"] = lambda_from_n(d["n"].to_numpy(dtype=float), lo)
    d["lambda_high"] = lambda_from_n(d["n"].to_numpy(dtype=float), hi)
    d["source"] = "assumed ICC(1) range; only aggregates were uploaded"
    small = d["n"] < k
    d.loc[small, ["lambda_low", "lambda_high"]] = np.nan
    d["reason"] = np.where(small, SUPPRESSED, None)
    return d


# --------------------------------------------------------------------------------------------
# rwg (James, Demaree & Wolf 1984)
# --------------------------------------------------------------------------------------------


def _rwg_single(s2: np.ndarray, sigma_eu: float) -> np.ndarray:
    # Truncate at 0: an observed variance above the uniform null means "no agreement", not a
    # negative agreement (LeBreton & Senter 2008, https://doi.org/10.1177/1094428106296642 ).
    return np.clip(1.0 - s2 / sigma_eu, 0.0, None)


def rwg(
    item_var: pd.DataFrame,
    n_options: int,
    *,
    k: int = 5,
    library_col: str = "library",
) -> pd.DataFrame:
    """Within-group agreement rwg per item and rwg(J) per library (James, Demaree & Wolf 1984).

    rwg = 1 - s^2 / sigma_EU^2 with sigma_EU^2 = (A^2 - 1)/12 for an A-point item (uniform null).
    rwg(J) = J(1 - s_bar^2/sigma_EU^2) / [J(1 - s_bar^2/sigma_EU^2) + s_bar^2/sigma_EU^2],
    s_bar^2 = mean item variance; both truncated at 0 (s_bar^2 >= sigma_EU^2 gives 0).
    https://doi.org/10.1037/0021-9010.69.1.85

    Parameters
    ----------
    item_var : DataFrame
        Columns ``library``, ``item``, ``n`` (respondents), ``variance`` (ddof=1).
    n_options : int
        A, the number of answer options of the (common) item scale, e.g. 5.
    k : int
        Anonymity threshold; a library whose largest item n is below k is suppressed.

    Returns
    -------
    DataFrame
        One row per library: ``library``, ``n`` (max item n), ``n_items``, ``mean_item_variance``,
        ``sigma_eu``, ``rwg_mean_item`` (mean of single-item rwg), ``rwg_j``,
        ``below_threshold`` (rwg(J) < .70), ``reason``.
    """
    if n_options < 2:
        raise ValueError("n_options must be at least 2")
    sigma_eu = (n_options**2 - 1) / 12.0
    d = item_var.rename(columns={library_col: "library"})
    out = []
    for lib, g in d.groupby("library", sort=True):
        n = int(g["n"].max())
        s2 = g["variance"].to_numpy(dtype=float)
        s2 = s2[np.isfinite(s2)]
        rec = {
            "library": lib,
            "n": n,
            "n_items": int(len(s2)),
            "mean_item_variance": np.nan,
            "sigma_eu": sigma_eu,
            "rwg_mean_item": np.nan,
            "rwg_j": np.nan,
            "below_threshold": None,
            "reason": None,
        }
        if n < k:
            rec["reason"] = SUPPRESSED
        elif len(s2) == 0:
            rec["reason"] = "not available: no item variances"
        else:
            sbar = float(s2.mean())
            ratio = min(sbar / sigma_eu, 1.0)
            J = len(s2)
            rwg_j = J * (1 - ratio) / (J * (1 - ratio) + ratio) if ratio > 0 else 1.0
            rec.update(
                mean_item_variance=sbar,
                rwg_mean_item=float(_rwg_single(s2, sigma_eu).mean()),
                rwg_j=rwg_j,
                below_threshold=rwg_j < RWG_THRESHOLD,
            )
        out.append(rec)
    return pd.DataFrame(
        out,
        columns=[
            "library",
            "n",
            "n_items",
            "mean_item_variance",
            "sigma_eu",
            "rwg_mean_item",
            "rwg_j",
            "below_threshold",
            "reason",
        ],
    )


def rwg_from_rows(
    rows: pd.DataFrame,
    n_options: int,
    *,
    k: int = 5,
    library_col: str = "library",
    item_col: str = "item",
    value_col: str = "value",
) -> pd.DataFrame:
    """rwg / rwg(J) from long answers (library, item, value); columns as :func:`rwg`."""
    d = rows[[library_col, item_col, value_col]].dropna()
    g = d.groupby([library_col, item_col], sort=True)[value_col]
    iv = pd.DataFrame({"n": g.size(), "variance": g.var(ddof=1)}).reset_index()
    iv = iv.rename(columns={library_col: "library", item_col: "item"})
    return rwg(iv, n_options, k=k)


# --------------------------------------------------------------------------------------------
# Summary for the analyze --json "reliability" object
# --------------------------------------------------------------------------------------------


def reliability_summary(
    *,
    icc: ICCResult | None = None,
    alpha_table: pd.DataFrame | None = None,
    staff_n: pd.Series | Sequence[float] | None = None,
    patron_n: pd.Series | Sequence[float] | None = None,
    patron_icc1: float | None = None,
    icc1_range: tuple[float, float] = ICC1_ASSUMED_RANGE,
) -> dict:
    """The ``reliability`` object of ``analyze --json`` (read by :func:`analysis.verdict.verdict`).

    Parameters
    ----------
    icc : ICCResult or None
        From individual staff rows. None when only aggregates were uploaded.
    alpha_table : DataFrame or None
        From :func:`cronbach_alpha`; its smallest alpha is reported.
    staff_n : sequence or None
        Staff respondents per included library (needed when ``icc`` is None).
    patron_n, patron_icc1 : optional
        Patron respondents per library and an ICC(1) for patron satisfaction; lambda_y is 1.0
        (assumed perfectly reliable, as patron n is large) when not given.

    Returns
    -------
    dict
        ``source`` ("rows" | "aggregates" | None), ``icc1``, ``icc2``, ``alpha_min``,
        ``lambda_x`` (mean staff lambda; from ICC(1) or the middle of ``icc1_range``),
        ``lambda_x_low``, ``lambda_x_high`` (aggregates only), ``lambda_y``, ``reason``.
    """
    out: dict = {
        "source": None,
        "icc1": None,
        "icc2": None,
        "alpha_min": None,
        "lambda_x": None,
        "lambda_x_low": None,
        "lambda_x_high": None,
        "lambda_y": None,
        "reason": None,
    }
    if alpha_table is not None and len(alpha_table) and alpha_table["alpha"].notna().any():
        out["alpha_min"] = float(alpha_table["alpha"].min())
    if icc is not None and icc.icc1 is not None:
        out["source"] = "rows"
        out["icc1"], out["icc2"] = icc.icc1, icc.icc2
        lam = icc.libraries.loc[icc.libraries["included"], "lambda"]
        out["lambda_x"] = float(lam.mean()) if lam.notna().any() else None
    elif staff_n is not None and len(staff_n):
        n = np.asarray(staff_n, dtype=float)
        out["source"] = "aggregates"
        out["reason"] = (
            f"ICC and alpha {AGGREGATES_ONLY}; lambda from n and an assumed ICC(1) of "
            f"{icc1_range[0]:.2f}-{icc1_range[1]:.2f}"
        )
        out["lambda_x_low"] = float(np.mean(lambda_from_n(n, icc1_range[0])))
        out["lambda_x_high"] = float(np.mean(lambda_from_n(n, icc1_range[1])))
        out["lambda_x"] = float(np.mean(lambda_from_n(n, sum(icc1_range) / 2)))
    else:
        out["reason"] = "not available: no staff respondent counts"
    if patron_n is not None and patron_icc1 is not None and len(patron_n):
        out["lambda_y"] = float(np.mean(lambda_from_n(np.asarray(patron_n, float), patron_icc1)))
    else:
        out["lambda_y"] = 1.0
    return out


def pooled_alpha(
    covariances: pd.DataFrame, visible: set[tuple[str, str]] | None = None, *, k: int = 5
) -> pd.DataFrame:
    """Cronbach's alpha per scale x period over all libraries, from per-library covariances.

    The pooled covariance is exact: with per-library complete-respondent counts n_g, item mean
    vectors m_g and covariances C_g, the pooled cross-product matrix is
    sum((n_g - 1) C_g + n_g (m_g - m)(m_g - m)'), m the n-weighted mean (the one-way MANOVA
    decomposition), divided by N - 1. Pooled listwise deletion keeps only respondents with every
    item of the scale x period, so a library that lacks one of those items counts as incomplete.

    Parameters
    ----------
    covariances : DataFrame
        ``item_covariances`` rows (library_key, period, scale, n, n_incomplete, item_i, item_j,
        mean_i, mean_j, cov).
    visible : set of (library_key, period), optional
        The staff groups the analysis uses (hidden or incomparable ones are left out).

    Returns
    -------
    DataFrame
        As :func:`cronbach_alpha_from_stats` with
        ``by=("scale", "period")``: the same table the battery builds from pooled rows.
    """
    cov = covariances
    if visible is not None:
        keep = [
            (lib, per) in visible
            for lib, per in zip(cov["library_key"], cov["period"], strict=True)
        ]
        cov = cov[keep]
    pooled = []
    for (scale, period), group in cov.groupby(["scale", "period"], sort=True):
        items = sorted(set(group["item_i"]) | set(group["item_j"]))
        idx = {item: i for i, item in enumerate(items)}
        total_n, incomplete, parts = 0, 0, []
        for _, lib in group.groupby("library_key", sort=True):
            n = int(lib["n"].iloc[0])
            incomplete += int(lib["n_incomplete"].iloc[0])
            own = sorted(set(lib["item_i"]) | set(lib["item_j"]))
            if own != items:
                incomplete += n  # pooled listwise deletion drops all of them
                continue
            c = np.zeros((len(items), len(items)))
            m = np.zeros(len(items))
            for r in lib.itertuples(index=False):
                i, j = idx[r.item_i], idx[r.item_j]
                c[i, j] = c[j, i] = r.cov
                m[i], m[j] = r.mean_i, r.mean_j
            parts.append((n, m, c))
            total_n += n
        if total_n:
            grand = sum(n * m for n, m, _ in parts) / total_n
            cross = sum((n - 1) * c + n * np.outer(m - grand, m - grand) for n, m, c in parts)
            matrix = cross / (total_n - 1) if total_n > 1 else cross * np.nan
        else:
            matrix = np.full((len(items), len(items)), np.nan)
        for a, ia in enumerate(items):
            for ib in items[a:]:
                pooled.append(
                    {
                        "scale": scale,
                        "period": period,
                        "n": total_n,
                        "n_incomplete": incomplete,
                        "item_i": ia,
                        "item_j": ib,
                        "cov": float(matrix[idx[ia], idx[ib]]),
                    }
                )
    frame = pd.DataFrame(
        pooled, columns=["scale", "period", "n", "n_incomplete", "item_i", "item_j", "cov"]
    )
    return cronbach_alpha_from_stats(frame, by=("scale", "period"), k=k)
