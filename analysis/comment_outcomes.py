"""Comment themes and tone as patron outcomes: shares with intervals, the forum's spread, and the
exploratory library-level tests ("do libraries with happier staff get more comments praising the
staff?").

Input is the released theme counts (``servicemirror.app.comments.theme_counts``: one row per library x
period x theme with n_comments, positive, neutral, negative and n_all, the group's comments;
theme '' = all comments). Tone is shown as shares of comments with a 95 % Wilson score interval
(Wilson 1927, JASA 22(158), https://doi.org/10.1080/01621459.1927.10502953), never as a score.

The tests are exploratory: they sit in the battery's secondary Benjamini-Hochberg family with
the touchpoint tests and never drive the verdict (analysis/battery.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from servicemirror.analysis import association

TONES = ("positive", "neutral", "negative")

# outcome -> (theme the numerator counts, '' = all comments; tone the numerator counts, None = any)
OUTCOMES = {
    "positive_share": ("", "positive"),
    "negative_share": ("", "negative"),
    "staff_praise_share": ("staff", "positive"),
    "staff_complaint_share": ("staff", "negative"),
}
OUTCOME_LABELS = {
    "positive_share": "share of patron comments with a positive tone",
    "negative_share": "share of patron comments with a negative tone",
    "staff_praise_share": "share of patron comments praising the staff (staff theme, positive)",
    "staff_complaint_share": "share of patron comments criticising the staff (staff theme, negative)",
}
MIN_LIBRARIES = 4


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion (vectorised); NaN where n is 0."""
    successes = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = stats.norm.ppf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    low = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return low, high


def tone_shares(counts: pd.DataFrame) -> pd.DataFrame:
    """One row per input row x tone: the share of the row's comments with that tone and its
    95 % Wilson interval.

    ``counts`` has n_comments, positive, neutral, negative and any key columns (kept). Output
    adds tone, n (comments with that tone), share, ci_low, ci_high.
    """
    keys = [c for c in counts.columns if c not in TONES]
    long = counts.melt(id_vars=keys, value_vars=list(TONES), var_name="tone", value_name="n")
    long["share"] = long["n"] / long["n_comments"].where(long["n_comments"] > 0)
    long["ci_low"], long["ci_high"] = wilson_interval(long["n"], long["n_comments"])
    return long.reset_index(drop=True)


def theme_spread(counts: pd.DataFrame) -> pd.DataFrame:
    """How the share of each theme spreads over the library-periods of one period.

    Returns one row per period x theme: n_libraries, share_median, share_low (25th percentile),
    share_high (75th percentile). Theme '' (all comments) is left out.
    """
    themed = counts[counts["theme"] != ""]
    if themed.empty:
        return pd.DataFrame(
            columns=["period", "theme", "n_libraries", "share_median", "share_low", "share_high"]
        )
    # a library-period without a comment on a theme has share 0 for it, not a missing value
    groups = counts[counts["theme"] == ""][["library_key", "period", "n_all"]].drop_duplicates()
    grid = groups.merge(pd.DataFrame({"theme": themed["theme"].unique()}), how="cross")
    grid = grid.merge(
        themed[["library_key", "period", "theme", "n_comments"]],
        on=["library_key", "period", "theme"],
        how="left",
    )
    grid["share"] = grid["n_comments"].fillna(0) / grid["n_all"]
    g = grid.groupby(["period", "theme"])["share"]
    return pd.DataFrame(
        {
            "n_libraries": g.size(),
            "share_median": g.median(),
            "share_low": g.quantile(0.25),
            "share_high": g.quantile(0.75),
        }
    ).reset_index()


def outcome_values(counts: pd.DataFrame) -> pd.DataFrame:
    """Each outcome of OUTCOMES per library x period: library_key, period, outcome, value, n_all."""
    totals = counts[counts["theme"] == ""][["library_key", "period", "n_all"]]
    rows = []
    for outcome, (theme, tone) in OUTCOMES.items():
        part = counts[counts["theme"] == theme][["library_key", "period", tone]]
        merged = totals.merge(part, on=["library_key", "period"], how="left")
        merged["value"] = merged[tone].fillna(0) / merged["n_all"]
        merged["outcome"] = outcome
        rows.append(merged[["library_key", "period", "outcome", "value", "n_all"]])
    return pd.concat(rows, ignore_index=True)


def outcome_tests(
    data: pd.DataFrame,
    counts: pd.DataFrame | None,
    n_permutations: int = 9999,
    seed: int = 20111,
) -> list[dict]:
    """Library-level correlation of staff wellbeing with each comment outcome.

    ``data`` is the battery's contract cells (library, period, side, mean, touchpoint; staff
    rows are the published overall wellbeing cells only). One point per library: the unweighted
    mean over the periods that have both a visible staff cell and released comment counts, as for
    the primary analysis. Returns one dict per outcome: outcome, label, n, pearson_r, ci_low,
    ci_high, p (permutation), reason (why a test could not run, else None).
    """
    if counts is None or counts.empty:
        return []
    staff = data[(data["side"] == "staff") & data["touchpoint"].isna()][
        ["library", "period", "mean"]
    ].rename(columns={"library": "library_key", "mean": "staff_mean"})
    values = outcome_values(counts).merge(staff, on=["library_key", "period"], how="inner")
    rows = []
    for outcome in OUTCOMES:
        part = values[values["outcome"] == outcome]
        points = part.groupby("library_key")[["staff_mean", "value"]].mean()
        row = {
            "outcome": outcome,
            "label": OUTCOME_LABELS[outcome],
            "n": int(len(points)),
            "pearson_r": None,
            "ci_low": None,
            "ci_high": None,
            "p": None,
            "reason": None,
        }
        if len(points) < MIN_LIBRARIES or points["value"].nunique() < 2:
            row["reason"] = (
                f"fewer than {MIN_LIBRARIES} libraries with comment counts and a visible staff "
                "figure in the same period, or no variation"
            )
            rows.append(row)
            continue
        corr = association.library_correlation(
            points["staff_mean"].to_numpy(),
            points["value"].to_numpy(),
            libraries=list(points.index),
            n_permutations=n_permutations,
            seed=seed,
        ).as_dict()
        row.update(
            pearson_r=corr["pearson_r"],
            ci_low=corr["ci_low"],
            ci_high=corr["ci_high"],
            p=corr["p_permutation"],
            reason=corr.get("reason"),
        )
        rows.append(row)
    return rows
