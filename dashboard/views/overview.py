"""Overview / Overblik, the forum's projector view: staff wellbeing vs patron satisfaction per
library for one period with the regression line and its 95 % band, then, on request
(``?trends=heatmap`` or ``lines``), both indices over time: one heatmap of libraries x periods or
one small line chart per library.
Libraries appear under pseudonyms unless they consented to be named; there is no league table
unless the viewer asks for one (ordered by label, never by score).
"""

from __future__ import annotations

import streamlit as st

from servicemirror.dashboard import charts, data, filters, i18n

page = filters.preamble("overview_title")
lang, names, t = page.lang, page.names, page.t
st.caption(t("tagline"))

periods = filters.periods_or_stop(lang)
pub = filters.guarded(lang, data.published)

period = filters.period_with_reason(lang, periods)
points = data.scatter_points(period, lang, names)
# what the charts are built from besides their titles (filters.chart): spares hashing the frames
drawn_from = (data.data_version(), data.labels_key(lang, names))
hidden = data.hidden_in_period(period)

st.header(t("overview_scatter", period=period))
if points.empty:
    st.info(t("no_pairs"))
else:
    band = data.scatter_band(period, lang, names)
    filters.chart(
        lang,
        charts.scatter_staff_patron,
        points,
        t("staff_index"),
        t("patron_index"),
        t("library"),
        band,
        key=(*drawn_from, period),
    )
    unnamed = filters.unplaced_names(points, key=(*drawn_from, period))
    if unnamed:
        st.caption(t("scatter_unnamed", n=unnamed))
    st.caption(t("regression_note") if not band.empty else t("regression_too_few"))
    st.caption(t("association_note"))
st.metric(t("libraries_shown"), len(points))
if hidden:
    st.caption(t("suppressed_note", n=hidden, k=pub.k))

if st.toggle(t("show_table"), key="overview_table"):
    st.caption(t("table_order_note"))
    st.dataframe(
        i18n.table(
            points,
            lang,
            {
                "label": t("library"),
                "staff_index": t("staff_index"),
                "patron_index": t("patron_index"),
                "n_staff": t("n_staff"),
                "n_patron": t("n_patron"),
            },
            digits={"staff_index": 1, "patron_index": 1, "n_staff": 0, "n_patron": 0},
        ),
        hide_index=True,
    )

st.header(t("overview_trends"))
# drawn on request: the Overview opens as quickly as its scatter (the forum's question); every
# library over time is one click (or a link, ?trends=heatmap or lines) away, docs/user-guide.md
shown = filters.view(
    t("overview_trends_view"),
    {"": t("overview_trends_off"), "heatmap": t("overview_heatmap"), "lines": t("overview_lines")},
    "trends",
)
if shown:
    measure_names = {"staff_index": t("measure_staff"), "patron_index": t("measure_patron")}
    trend = data.trends(lang, names, measure_names)
    if trend.empty:
        st.info(t("empty_state"))
    else:
        if shown == "lines":
            filters.chart(
                lang,
                charts.small_multiples,
                trend,
                t("period"),
                t("index_axis"),
                t("measure"),
                key=drawn_from,
            )
        else:
            filters.chart(
                lang,
                charts.trends_heatmap,
                trend,
                t("period"),
                t("library"),
                t("index_axis"),
                key=drawn_from,
            )
            st.caption(t("overview_heatmap_note", k=pub.k))
        with st.expander(t("table_of_numbers")):
            st.dataframe(
                filters.number_table(
                    trend,
                    lang,
                    {
                        "label": t("library"),
                        "period": t("period"),
                        "measure": t("measure"),
                        "value": t("index_axis"),
                    },
                    digits={"value": 1},
                    key=drawn_from,
                ),
                hide_index=True,
            )
