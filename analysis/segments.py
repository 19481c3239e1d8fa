"""Differentiated service: patron satisfaction per segment, with the small-cell rule.

Knowing one's own users. Segments are the patron columns age_band, visit_frequency,
user_type and channel; a persona is a named combination of them. Input rows come from
``segment_cells.sql`` (library x period x touchpoint x segment: n, mean, sd on the 0-100 index);
this module decides what may be shown.

The small-cell rule for patron segments: a segment cell with fewer than :data:`MIN_SEGMENT_N`
= 10 respondents shows no mean (its n is shown, so the reader knows why). Ten, not the staff k
of 5, because (a) a segment narrows a library's patrons to a small, describable group (e.g.
"weekly visitors over 67 who use home delivery") whose members a librarian may recognise, and
(b) below ten a 0-100 mean of a 5-point item has a 95 % interval of about ±15 points, too wide to
act on. It never goes below the staff k in force. Complementary suppression: the segments of one
column partition the library's patrons who answered it, so when exactly one segment of a group
is hidden the next-smallest one is hidden too; otherwise the hidden mean could be solved from the
others and the published total (docs/privacy.md). Forum-level figures pool only
visible cells and say how many libraries entered.

DataFrame in, DataFrame out; no IO.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["MIN_SEGMENT_N", "forum_segments", "publish_segments", "min_segment_n"]

MIN_SEGMENT_N = 10
GROUP = ["library_key", "period", "touchpoint", "dimension"]


def min_segment_n(k_staff: int) -> int:
    """The segment threshold in force: MIN_SEGMENT_N, never below the staff k."""
    return max(MIN_SEGMENT_N, int(k_staff))


def _ci(mean: pd.Series, sd: pd.Series, n: pd.Series) -> tuple[pd.Series, pd.Series]:
    """t interval of a cell mean, clipped to the 0-100 scale; NaN without sd or with n < 2."""
    n = n.astype(float)
    ok = sd.notna() & (n >= 2)
    t = pd.Series(stats.t.ppf(0.975, np.where(ok, n - 1, 1.0)), index=mean.index)
    half = (t * sd / np.sqrt(n)).where(ok)
    return (mean - half).clip(0, 100), (mean + half).clip(0, 100)


def publish_segments(
    cells: pd.DataFrame, min_n: int = MIN_SEGMENT_N, group: list[str] | None = None
) -> pd.DataFrame:
    """Apply the small-cell rule to segment (or persona) cells.

    ``cells``: segment_cells.sql rows (library_key, period, touchpoint, dimension, segment, n,
    mean, sd), or cells of one set of patrons without dimension/segment (pass ``group`` without
    them).
    ``group``: the columns whose cells partition one set of patrons (default: library, period,
    touchpoint, dimension); complementary suppression works within it.
    Returns the input columns plus ci_low, ci_high, suppressed (bool), suppressed_reason;
    mean, sd and the interval are NaN where suppressed.
    """
    group = [g for g in (group if group is not None else GROUP) if g in cells.columns]
    out = cells.copy().reset_index(drop=True)
    out["mean"] = out["mean"].astype(float)
    out["sd"] = out["sd"].astype(float)
    small = out["n"] < min_n
    reason = pd.Series(
        np.where(small, f"fewer than {min_n} patrons in this segment", None),
        index=out.index,
        dtype=object,
    )
    if "segment" in out.columns and group:
        for _, idx in out.groupby(group, sort=False).groups.items():
            members = out.loc[idx]
            hidden = small.loc[idx]
            if int(hidden.sum()) == 1 and len(idx) >= 2:
                # the one hidden mean would follow from the others and the published total
                partner = members.loc[~hidden, "n"].idxmin()
                small.loc[partner] = True
                reason.loc[partner] = "hidden so that a smaller segment cannot be worked out"
    out["ci_low"], out["ci_high"] = _ci(out["mean"], out["sd"], out["n"])
    for col in ("mean", "sd", "ci_low", "ci_high"):
        out.loc[small, col] = np.nan
    out["suppressed"] = small.to_numpy()
    out["suppressed_reason"] = reason.to_numpy()
    return out


def forum_segments(published: pd.DataFrame) -> pd.DataFrame:
    """Forum-wide segment figures from published (visible) library cells only.

    Pools the visible cells of each period x touchpoint x dimension x segment (n-weighted mean),
    so a hidden library cell never enters a total it could be recovered from.
    Columns: period, touchpoint, dimension, segment, n, mean, n_libraries.
    """
    visible = published[~published["suppressed"]].copy()
    keys = ["period", "touchpoint", "dimension", "segment"]
    if visible.empty:
        return pd.DataFrame(columns=[*keys, "n", "mean", "n_libraries"])
    visible["weighted"] = visible["mean"] * visible["n"]
    agg = visible.groupby(keys, as_index=False).agg(
        n=("n", "sum"), weighted=("weighted", "sum"), n_libraries=("library_key", "nunique")
    )
    agg["mean"] = agg["weighted"] / agg["n"]
    return agg[[*keys, "n", "mean", "n_libraries"]]
