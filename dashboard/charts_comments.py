"""Charts of the comments page: themes by frequency with their tone against the forum's spread,
and one theme's trend. Pure DataFrame -> Altair, titles passed in already translated."""

from __future__ import annotations

import altair as alt
import pandas as pd

# Okabe-Ito: positive blue, neutral grey, negative vermillion (as the Likert scale)
TONE_COLOURS = ["#0072B2", "#BBBBBB", "#D55E00"]


def themes_by_tone(
    bars: pd.DataFrame,
    spread: pd.DataFrame,
    share_title: str,
    tone_title: str,
    theme_title: str,
    tone_order: list[str],
) -> alt.LayerChart:
    """Horizontal bars: each theme's share of the comments, split by tone, most frequent first,
    with the forum's median (tick) and middle half (grey rule) of the same share behind them.

    ``bars``: label, tone (translated), share (tone's comments of the theme / all comments),
    order (the theme's total share, for sorting). ``spread``: label, share_median, share_low,
    share_high (may be empty).
    """
    # an explicit order: a sort field is not shared by the layers, which would fall back to A-Z
    sort = list(bars.groupby("label")["order"].first().sort_values(ascending=False).index)
    y = alt.Y("label:N", title=theme_title, sort=sort, axis=alt.Axis(labelLimit=260))
    stacked = (
        alt.Chart(bars)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("share:Q", title=share_title, axis=alt.Axis(format="%"), stack="zero"),
            color=alt.Color(
                "tone:N",
                title=tone_title,
                scale=alt.Scale(domain=tone_order, range=TONE_COLOURS),
                sort=tone_order,
            ),
            order=alt.Order("tone_rank:Q"),
            tooltip=[
                alt.Tooltip("label:N", title=theme_title),
                alt.Tooltip("tone:N", title=tone_title),
                alt.Tooltip("share:Q", title=share_title, format=".0%"),
            ],
        )
    )
    layers = [stacked]
    if not spread.empty:
        spread = spread.merge(bars[["label", "order"]].drop_duplicates(), on="label", how="inner")
        layers.insert(
            0,
            alt.Chart(spread)
            .mark_rule(color="#999999", strokeWidth=8, opacity=0.45)
            .encode(y=y, x="share_low:Q", x2="share_high:Q"),
        )
        layers.append(
            alt.Chart(spread)
            .mark_tick(color="#000000", thickness=2, size=18)
            .encode(
                y=y,
                x="share_median:Q",
                tooltip=[alt.Tooltip("share_median:Q", format=".0%")],
            )
        )
    return alt.layer(*layers).properties(height=alt.Step(26))


def theme_trend(frame: pd.DataFrame, share_title: str, period_title: str, series_title: str):
    """One theme's share of comments per period: ``frame`` period, share, series (this library /
    the forum's median)."""
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=period_title),
            y=alt.Y("share:Q", title=share_title, axis=alt.Axis(format="%")),
            color=alt.Color(
                "series:N", title=series_title, scale=alt.Scale(range=["#0072B2", "#000000"])
            ),
            tooltip=["period", "series", alt.Tooltip("share:Q", format=".0%")],
        )
        .properties(height=260)
    )
