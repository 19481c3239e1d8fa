"""Pure DataFrame -> Altair chart functions for the Hypothesis page (estimates and power).

Beside charts.py (the other pages' charts), with the same palette and the same rules: no data access, no streamlit, titles passed in.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from servicemirror.dashboard.charts import OKABE_ITO


def estimates(frame: pd.DataFrame, x_title: str, label_title: str) -> alt.LayerChart:
    """A forest plot: one row per estimate with its 95 % interval and a zero line.

    ``frame`` columns: label, estimate, ci_low, ci_high.
    """
    base = alt.Chart(frame).encode(
        y=alt.Y("label:N", title=None, sort=None),
    )
    tooltip = [
        alt.Tooltip("label:N", title=label_title),
        alt.Tooltip("estimate:Q", format=".2f"),
        alt.Tooltip("ci_low:Q", format=".2f"),
        alt.Tooltip("ci_high:Q", format=".2f"),
    ]
    bars = base.mark_rule(strokeWidth=3, color=OKABE_ITO[0]).encode(
        x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q", tooltip=tooltip
    )
    dots = base.mark_point(filled=True, size=140, color=OKABE_ITO[3], opacity=1).encode(
        x="estimate:Q", tooltip=tooltip
    )
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color="#555555", strokeDash=[4, 4])
    zero = zero.encode(x="zero:Q")
    return (zero + bars + dots).properties(height=max(90, 60 * len(frame)))


def power_curve(
    curve: pd.DataFrame, j_now: int, x_title: str, y_title: str, r_title: str
) -> alt.LayerChart:
    """Power against the number of libraries, one line per assumed true r; 80 % and today's J marked.

    ``curve`` columns: J, r_true, kind ("naive" | "attenuated"), power (analysis.power.power_curve).
    Attenuated lines are dashed: they count the unreliability of the staff averages.
    """
    # the page may pass its own (translated, decimal-comma) r labels
    data = (
        curve
        if "r_label" in curve.columns
        else curve.assign(r_label=curve["r_true"].map(lambda r: f"r = {r:.1f}"))
    )
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("J:Q", title=x_title),
            y=alt.Y(
                "power:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color("r_label:N", title=r_title, scale=alt.Scale(range=OKABE_ITO)),
            strokeDash=alt.StrokeDash("kind:N", title=None),
            tooltip=[
                alt.Tooltip("r_label:N", title=r_title),
                alt.Tooltip("kind:N"),
                alt.Tooltip("J:Q", title=x_title),
                alt.Tooltip("power:Q", format=".0%", title=y_title),
            ],
        )
    )
    target = alt.Chart(pd.DataFrame({"power": [0.8]})).mark_rule(color="#555555", strokeDash=[4, 4])
    today = alt.Chart(pd.DataFrame({"J": [j_now]})).mark_rule(color=OKABE_ITO[3], strokeWidth=2)
    return (lines + target.encode(y="power:Q") + today.encode(x="J:Q")).properties(height=360)
