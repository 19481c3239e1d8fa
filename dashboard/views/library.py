"""Library / Bibliotek: one library over time against the forum, each touchpoint, the Likert
items, NPS and eNPS, what changed since the last period, and (for the library's own manager
only) the scrubbed patron comments. Staff figures below k never arrive from data.py.
"""

from __future__ import annotations

import streamlit as st

from servicemirror.dashboard import charts, comment_status, data, filters, i18n

page = filters.preamble("library_title")
lang, names, t = page.lang, page.names, page.t

periods = filters.periods_or_stop(lang)
pub = filters.guarded(lang, data.published)

col_lib, col_period, col_tp = st.columns(3)
with col_lib:
    token = page.library_picker()
with col_period:
    # open on the newest period this library has data in that the forum can be compared in
    own = data.library_series(page.library_key(token))["period"]
    period = filters.period_with_reason(lang, periods, sorted(own.unique()) or None)
with col_tp:
    touchpoint = filters.touchpoint_picker(lang)
library_key = page.library_key(token)
label = page.label_of_token(token)
series = data.library_series(library_key)
if series.empty:
    st.info(t("library_empty", library=label))
    st.stop()
st.subheader(label)

# ---- this period at a glance: indices, NPS, eNPS, and what changed
now = series[(series["period"] == period) & (series["touchpoint"] == "")]
measures = {
    "wellbeing": t("measure_staff"),
    "satisfaction": t("measure_patron"),
    "nps": t("measure_nps"),
    "enps": t("measure_enps"),
}
changes = data.changes(series, period, lang, measures)
verdicts = {r.measure: r for r in changes.itertuples()}

# ---- the answer first: has each measure changed since the last period, or may it be chance?
st.header(t("library_verdict", period=period))
said = False
for measure, title in measures.items():
    r = verdicts.get(measure)
    if r is None:
        continue
    said = True
    digits = 0 if "nps" in measure else 1
    st.markdown(
        t(
            "verdict_line",
            what=title,
            verdict=t(f"verdict_{r.verdict}"),
            now=i18n.number(r.now, lang, digits),
            period=period,
            before=i18n.number(r.previous, lang, digits),
            previous_period=r.previous_period,
            change=i18n.number(r.change, lang, 1),
        )
        + (
            " "
            + t(
                "verdict_interval",
                low=i18n.number(r.ci_low, lang, 1),
                high=i18n.number(r.ci_high, lang, 1),
            )
            if r.verdict != "unknown"
            else ""
        )
    )
st.caption(t("verdict_note") if said else t("verdict_none", period=period))
metric_cols = st.columns(4)
for col, (measure, title) in zip(metric_cols, measures.items(), strict=True):
    cell = now[now["measure"] == measure]
    with col:
        if cell.empty:
            st.metric(title, "—", help=t("no_data_cell"))
        elif bool(cell["suppressed"].iloc[0]):
            st.metric(title, t("suppressed_short", k=pub.k), help=t("suppressed_help", k=pub.k))
        else:
            r = verdicts.get(measure)
            st.metric(
                title,
                i18n.number(cell["value"].iloc[0], lang, 0 if "nps" in measure else 1),
                # "since 2024", and coloured only when the interval rules out chance
                delta=t(
                    "delta_since", change=i18n.number(r.change, lang, 1), period=r.previous_period
                )
                if r is not None
                else None,
                delta_color="normal"
                if r is not None and r.verdict in ("improved", "declined")
                else "off",
                help=t(
                    "metric_interval",
                    low=i18n.number(cell["ci_low"].iloc[0], lang, 1),
                    high=i18n.number(cell["ci_high"].iloc[0], lang, 1),
                ),
            )
if (now["source"] == "aggregates").any():
    st.info(t("aggregates_note"))

# ---- both indices over time against the forum
st.header(t("library_over_time"))
st.caption(t("library_over_time_note"))
trend = data.versus_forum(
    series, {"wellbeing": t("measure_staff"), "satisfaction": t("measure_patron")}
)
for measure in (t("measure_staff"), t("measure_patron")):
    part = trend[trend["measure"] == measure]
    st.markdown(f"**{measure}**")
    if part["value"].isna().all():
        st.caption(t("no_published_values"))
    st.altair_chart(
        charts.localized(
            # the library's projects as markers, its overall index target as a line
            charts.with_targets_and_projects(
                charts.versus_forum(part, t("period"), t("index_axis"), t("forum_median")),
                data.target_lines(library_key, "", lang)
                if measure == t("measure_patron")
                else None,
                data.project_markers(library_key, None, lang),
            ),
            lang,
        ),
        width="stretch",
    )
with st.expander(t("table_of_numbers")):
    st.dataframe(
        i18n.table(
            trend.assign(
                source=trend["source"].map(lambda s: t(f"source_{s}") if isinstance(s, str) else "")
            ),
            lang,
            {
                "measure": t("measure"),
                "period": t("period"),
                "value": t("index_axis"),
                "ci_low": t("ci_low"),
                "ci_high": t("ci_high"),
                "median": t("forum_median"),
                "q1": t("forum_q1"),
                "q3": t("forum_q3"),
                "source": t("source"),
            },
            digits={"value": 1, "ci_low": 1, "ci_high": 1, "median": 1, "q1": 1, "q3": 1},
        ),
        hide_index=True,
    )
hidden_periods = series[series["suppressed"] & (series["measure"] == "wellbeing")][
    "period"
].tolist()
if hidden_periods:
    st.caption(t("suppressed_periods", periods=", ".join(hidden_periods), k=pub.k))

# ---- each touchpoint
st.header(t("library_touchpoints"))
tp_series = data.touchpoint_series(series, lang)
if touchpoint:
    tp_series = tp_series[tp_series["touchpoint"] == data.touchpoint_label(touchpoint, lang)]
if tp_series.empty:
    st.info(t("no_touchpoints"))
else:
    st.altair_chart(
        charts.localized(
            # targets (dashed, in the touchpoint's colour, with the gap) and projects
            charts.with_targets_and_projects(
                charts.touchpoint_lines(tp_series, t("period"), t("index_axis"), t("touchpoint")),
                data.target_lines(library_key, touchpoint or None, lang),
                data.project_markers(library_key, touchpoint or None, lang),
                t("touchpoint"),
            ),
            lang,
        ),
        width="stretch",
    )
    with st.expander(t("table_of_numbers")):
        st.dataframe(
            i18n.table(
                tp_series,
                lang,
                {
                    "touchpoint": t("touchpoint"),
                    "period": t("period"),
                    "value": t("index_axis"),
                    "ci_low": t("ci_low"),
                    "ci_high": t("ci_high"),
                    "n": t("col_n"),
                },
                digits={"value": 1, "ci_low": 1, "ci_high": 1, "n": 0},
            ),
            hide_index=True,
        )

# ---- item by item, this period
st.header(t("library_items", period=period))
for side in ("staff", "patron"):
    bars = data.item_bars(library_key, period, side, lang)
    st.markdown(f"**{t('side_' + side)}**")
    if bars.empty:
        st.caption(t("items_none_staff", k=pub.k) if side == "staff" else t("items_none_patron"))
        continue
    st.altair_chart(
        charts.localized(charts.likert_bars(bars, t("share_axis"), t("answer")), lang),
        width="stretch",
    )
    with st.expander(t("table_of_numbers")):
        st.dataframe(
            i18n.table(
                bars,
                lang,
                {
                    "item": t("col_item"),
                    "value": t("answer"),
                    "n": t("col_n"),
                    "share": t("share_axis"),
                },
                digits={"value": 0, "n": 0},
                percent=["share"],
            ),
            hide_index=True,
        )

# ---- what changed since the last period
st.header(t("library_changes", period=period))
if changes.empty:
    st.caption(t("changes_none"))
else:
    st.dataframe(
        i18n.table(
            changes.assign(verdict=[t(f"verdict_{v}") for v in changes["verdict"]]),
            lang,
            {
                "what": t("measure"),
                "previous_period": t("previous_period"),
                "previous": t("previous"),
                "now": t("now"),
                "change": t("change"),
                "ci_low": t("ci_low"),
                "ci_high": t("ci_high"),
                "verdict": t("verdict_column"),
            },
            digits={"previous": 1, "now": 1, "change": 1, "ci_low": 1, "ci_high": 1},
        ),
        hide_index=True,
    )

# ---- patron comments: only the library's own manager, only above the comments threshold
st.header(t("library_comments"))
found = comment_status.shown_comments(
    data.may_see_detail(library_key, names), lambda: data.comments(library_key, period), t
)
if found is not None:
    st.dataframe(
        i18n.table(
            found.assign(
                touchpoint=found["touchpoint"].map(
                    lambda tp: data.touchpoint_label(tp, lang) if tp else ""
                )
            ),
            lang,
            {"text": t("comment"), "touchpoint": t("touchpoint")},
        ),
        hide_index=True,
    )
