"""Pure DataFrame -> Altair chart functions. Colour-blind-safe palette (Okabe-Ito)."""

from __future__ import annotations

import altair as alt
import pandas as pd

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def scatter_staff_patron(points: pd.DataFrame, x_title: str, y_title: str, label_title: str) -> alt.Chart:
    """One point per library: staff index (x) vs patron index (y), with tooltips.

    ``points`` columns: label, staff_index, patron_index, n_staff, n_patron.
    """
    base = alt.Chart(points)
    dots = base.mark_circle(size=120, color=OKABE_ITO[0], opacity=0.85).encode(
        x=alt.X("staff_index:Q", title=x_title, scale=alt.Scale(zero=False)),
        y=alt.Y("patron_index:Q", title=y_title, scale=alt.Scale(zero=False)),
        tooltip=[
            alt.Tooltip("label:N", title=label_title),
            alt.Tooltip("staff_index:Q", format=".1f", title=x_title),
            alt.Tooltip("patron_index:Q", format=".1f", title=y_title),
            alt.Tooltip("n_staff:Q"),
            alt.Tooltip("n_patron:Q"),
        ],
    )
    labels = base.mark_text(align="left", dx=8, dy=-6, fontSize=11).encode(
        x="staff_index:Q", y="patron_index:Q", text="label:N"
    )
    return (dots + labels).properties(height=420)
