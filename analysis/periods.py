"""Which period a page opens on: the newest one the page's question can be answered in.

A period opens a page only when at least :data:`MIN_LIBRARIES` libraries have a published figure
on both sides (staff and patrons): the least a correlation across libraries needs to say anything,
and also enough for the forum's median to be more than one library's own figure. A new upload of
one library for a new year therefore does not move every page to a year with nothing to compare.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["MIN_LIBRARIES", "coverage", "default_period"]

MIN_LIBRARIES = 4


def coverage(
    summary: pd.DataFrame, staff: str = "staff_index", patron: str = "patron_index"
) -> pd.DataFrame:
    """How many libraries each period has per side, from published figures only.

    ``summary``: one row per library x period (``publish.summary``) with ``library_key``,
    ``period`` and the two index columns (missing = not reported or hidden below k).

    Returns
    -------
    DataFrame
        Columns ``period, n_both, n_staff_only, n_patron_only, n_any``, oldest period first.
    """
    cols = ["period", "n_both", "n_staff_only", "n_patron_only", "n_any"]
    if summary.empty:
        return pd.DataFrame(columns=cols)
    has_staff = summary[staff].notna()
    has_patron = summary[patron].notna()
    flags = pd.DataFrame(
        {
            "period": summary["period"].astype(str),
            "n_both": has_staff & has_patron,
            "n_staff_only": has_staff & ~has_patron,
            "n_patron_only": has_patron & ~has_staff,
            "n_any": has_staff | has_patron,
        }
    )
    out = flags.groupby("period", sort=True).sum().astype(int).reset_index()
    return out[cols]


def default_period(
    summary: pd.DataFrame,
    among: list[str] | None = None,
    min_libraries: int = MIN_LIBRARIES,
) -> dict:
    """The period a page should open on, and why.

    The newest period (of ``among``, default every period in ``summary``) in which at least
    ``min_libraries`` libraries have both sides. When no period qualifies, the period with the
    most such libraries (the newest of equals), else the newest period.

    Returns
    -------
    dict
        ``period`` (None when there is no period), ``n_both`` (libraries with both sides in it),
        ``reason``: ``"enough"`` (it qualifies), ``"most"`` (none qualifies; the best there is)
        or ``"none"`` (no period), and ``newer``: the newer periods passed over, newest first.
    """
    cov = coverage(summary)
    periods = sorted(set(among if among is not None else cov["period"]))
    if not periods:
        return {"period": None, "n_both": 0, "reason": "none", "newer": []}
    both = dict(zip(cov["period"], cov["n_both"], strict=True))
    enough = [p for p in periods if both.get(p, 0) >= min_libraries]
    if enough:
        period, reason = enough[-1], "enough"
    else:
        # the most libraries with both sides; among equals the newest
        period = max(periods, key=lambda p: (both.get(p, 0), p))
        reason = "most"
    newer = [p for p in reversed(periods) if p > period]
    return {"period": period, "n_both": int(both.get(period, 0)), "reason": reason, "newer": newer}
