"""Overview / Overblik: staff wellbeing vs patron satisfaction per library for one period."""

from __future__ import annotations

import streamlit as st

from servicemirror import db
from servicemirror.dashboard import charts, data, i18n

lang = st.session_state.get("language", i18n.DEFAULT_LANGUAGE)
st.title(i18n.t("overview_title", lang))
st.caption(i18n.t("tagline", lang))

try:
    summary = data.summary()
except db.DatabaseBusy:
    st.warning(i18n.t("busy", lang))
    st.stop()

if summary.empty:
    st.info(i18n.t("empty_state", lang))
    st.stop()

periods = sorted(summary["period"].unique())
default_period = st.query_params.get("period", periods[-1])
period = st.selectbox(
    i18n.t("period", lang), periods, index=periods.index(default_period) if default_period in periods else len(periods) - 1
)
st.query_params["period"] = period

rows = summary[summary["period"] == period]
points = rows.dropna(subset=["staff_index", "patron_index"]).rename(columns={"library": "label"})
hidden = rows[rows["suppressed_reason"].notna() & rows["patron_index"].notna()]
if points.empty:
    st.info(i18n.t("no_pairs", lang))
else:
    st.altair_chart(
        charts.scatter_staff_patron(
            points, i18n.t("staff_index", lang), i18n.t("patron_index", lang), i18n.t("library", lang)
        ),
        width="stretch",
    )
    st.caption(i18n.t("association_note", lang))
st.metric(i18n.t("libraries_shown", lang), len(points))
if len(hidden):
    pub = data.published()
    st.caption(i18n.t("suppressed_note", lang, n=len(hidden), k=pub.k))
with st.expander(i18n.t("table_of_numbers", lang)):
    st.dataframe(
        points[["label", "staff_index", "patron_index", "n_staff", "n_patron"]].rename(
            columns={
                "label": i18n.t("library", lang),
                "staff_index": i18n.t("staff_index", lang),
                "patron_index": i18n.t("patron_index", lang),
                "n_staff": i18n.t("n_staff", lang),
                "n_patron": i18n.t("n_patron", lang),
            }
        ),
        hide_index=True,
    )
