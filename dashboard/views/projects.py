"""Projekter / Projects: each library's forum project and what it did, the service declaration's
targets with their gaps, and satisfaction by patron segment and persona.

Thin: results come from data.py (service_projects underneath); the forms write through the
access layer (data.add_project etc.), which lets a manager write only for the own library, an
admin for any, and a forum viewer not at all; the forms are shown only to those who may write.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from servicemirror.dashboard import charts, data, filters, i18n

page = filters.preamble("projects_title")
lang, names, t = page.lang, page.names, page.t
st.caption(t("projects_intro"))

periods = filters.periods_or_stop(lang)
results = filters.guarded(lang, lambda: data.project_results(lang, names))

labels, label_of = page.labels, page.label_of

# ---- what did each project do?
if not results:
    st.info(t("projects_none"))
else:
    table = pd.DataFrame(
        [
            {
                "row": f"{r['library']} · {r['title']}",
                "library": r["library"],
                "touchpoint": data.touchpoint_label(r["touchpoint"], lang),
                "title": r["title"],
                "start": r["start"],
                "effect": r["effect"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                # what the data can say: the interval above 0, below 0, across 0, or none
                "verdict": data.change_verdict(r["ci_low"], r["ci_high"])
                if r["effect"] is not None
                else "unknown",
            }
            for r in results
        ]
    )
    verdict_names = {v: t(f"project_verdict_{v}") for v in data.CHANGE_VERDICTS}
    st.altair_chart(
        charts.localized(
            charts.effect_intervals(
                table, t("projects_effect"), t("projects_what_data_says"), verdict_names
            ),
            lang,
        ),
        width="stretch",
    )
    st.caption(t("projects_chart_note"))
    st.dataframe(
        i18n.table(
            table.assign(verdict=table["verdict"].map(verdict_names)),
            lang,
            {
                "library": t("library"),
                "touchpoint": t("touchpoint"),
                "title": t("project_title_field"),
                "start": t("project_start"),
                "effect": t("projects_effect"),
                "ci_low": t("ci_low"),
                "ci_high": t("ci_high"),
                "verdict": t("projects_what_data_says"),
            },
            digits={"effect": 1, "ci_low": 1, "ci_high": 1},
        ),
        hide_index=True,
    )
    with st.expander(t("projects_how_title")):
        st.markdown(t("projects_how"))
    for r in results:
        with st.expander(f"{r['library']} · {r['title']}"):
            st.write(r["text"][lang])

# ---- service-declaration targets and their gaps
st.header(t("targets_header"))
latest = data.targets_latest(lang)
if latest.empty:
    st.info(t("targets_none"))
else:
    shown = latest.assign(
        library=latest["library_key"].map(label_of),
        measure=latest["measure"].map(lambda m: t(f"measure_{m}")),
        status=latest["status"].map(lambda s: t(f"status_{s}")),
    )
    st.dataframe(
        i18n.table(
            shown[["library", "touchpoint_label", "measure", "label", "status"]],
            lang,
            {
                "library": t("library"),
                "touchpoint_label": t("touchpoint"),
                "measure": t("target_measure"),
                "label": t("targets_header"),
                "status": t("target_status"),
            },
        ),
        hide_index=True,
    )

# ---- patron segments (differentiated service)
st.header(t("segments_header"))
min_n = data.segment_min_n()
st.caption(t("segments_intro", n=min_n))
col_lib, col_tp, col_dim = st.columns(3)
with col_lib:
    seg_library = page.library_key(page.library_picker())
with col_tp:
    seg_tp = st.selectbox(
        t("touchpoint"),
        ["", *data.touchpoints()],
        format_func=lambda tp: data.touchpoint_label(tp, lang) if tp else t("overall"),
        key="seg_tp",
    )
with col_dim:
    dimension = st.selectbox(
        t("segment_dimension"),
        list(data.SEGMENT_DIMENSIONS),
        format_func=lambda d: t(f"dim_{d}"),
        key="seg_dim",
    )
cells = data.segment_cells(seg_library, seg_tp, dimension)
if cells.empty:
    st.info(t("segments_none"))
else:
    latest_period = cells["period"].max()
    now = cells[cells["period"] == latest_period]
    st.markdown(f"**{label_of.get(seg_library)} · {latest_period}**")
    visible = now[~now["suppressed"]]
    if not visible.empty:
        st.altair_chart(
            charts.localized(charts.segment_bars(visible, t("index_axis"), t("segment")), lang),
            width="stretch",
        )
    hidden = now[now["suppressed"]]
    if not hidden.empty:
        st.caption(t("segments_hidden", segments=", ".join(hidden["segment"])))

# ---- personas
st.subheader(t("personas_header"))
defined = data.personas()
if defined.empty:
    st.caption(t("personas_none"))
else:
    st.dataframe(defined.drop(columns=["persona_id"]), hide_index=True)

# ---- forms: add a project, set a target, define a persona (only for those who may write)
writable = [k for k in labels["library_key"] if data.may_write_for(k)]
if not writable:
    st.stop()

with st.expander(t("project_add")):
    with st.form("add_project"):
        f_lib = st.selectbox(t("library"), writable, format_func=label_of.get)
        f_tp = st.selectbox(
            t("touchpoint"),
            list(data.TOUCHPOINTS),
            format_func=lambda tp: data.touchpoint_label(tp, lang),
        )
        f_title = st.text_input(t("project_title_field"))
        f_start = st.date_input(t("project_start"), value=None)
        f_end = st.date_input(t("project_end"), value=None)
        f_owner = st.text_input(t("project_owner"))
        f_desc = st.text_area(t("project_description"))
        f_expected = st.text_input(t("project_expected"))
        f_notes = st.text_area(t("project_notes"))
        if st.form_submit_button(t("save")):
            try:
                new_id = data.add_project(
                    library=f_lib,
                    touchpoint=f_tp,
                    title=f_title,
                    start=f_start,
                    end=f_end,
                    owner=f_owner or None,
                    description=f_desc or None,
                    expected_effect=f_expected or None,
                    notes=f_notes or None,
                )
                st.success(t("project_saved", id=new_id))
            except data.WRITE_ERRORS as exc:
                st.error(str(exc))

with st.expander(t("target_add")):
    with st.form("set_target"):
        g_lib = st.selectbox(t("library"), writable, format_func=label_of.get)
        g_tp = st.selectbox(
            t("touchpoint"),
            ["", *data.TOUCHPOINTS],
            format_func=lambda tp: data.touchpoint_label(tp, lang) if tp else t("overall"),
        )
        g_measure = st.selectbox(
            t("target_measure"), list(data.TARGET_MEASURES), format_func=lambda m: t(f"measure_{m}")
        )
        g_value = st.number_input(t("target_value"), min_value=-100.0, max_value=100.0, value=90.0)
        g_source = st.text_input(t("target_source"))
        if st.form_submit_button(t("save")):
            try:
                data.set_target(
                    library=g_lib,
                    touchpoint=g_tp,
                    measure=g_measure,
                    value=g_value,
                    source=g_source or None,
                )
                st.success(t("target_saved"))
            except data.WRITE_ERRORS as exc:
                st.error(str(exc))

if not data.may_administer():
    st.stop()  # personas are shared by the whole forum: only an admin defines them

with st.expander(t("persona_add")):
    with st.form("define_persona"):
        p_name = st.text_input(t("persona_name"))
        p_desc = st.text_area(t("project_description"))
        choices = {}
        for dim in data.SEGMENT_DIMENSIONS:
            choices[dim] = st.text_input(
                f"{t(f'dim_{dim}')} {t('any_value')}", key=f"persona_{dim}"
            )
        if st.form_submit_button(t("save")):
            try:
                data.define_persona(
                    name=p_name,
                    description=p_desc or None,
                    **{d: v.strip() or None for d, v in choices.items()},
                )
                st.success(t("persona_saved"))
            except data.WRITE_ERRORS as exc:
                st.error(str(exc))
