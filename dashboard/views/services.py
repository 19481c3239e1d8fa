"""Services / Tjenester: patron satisfaction per touchpoint per library, the staff link per
touchpoint with Benjamini-Hochberg adjusted p (from the hypothesis battery), and the smiley-kiosk
results in their own section: presses are counts, not respondents, and never enter the survey index.
"""

from __future__ import annotations

import logging

import streamlit as st

from servicemirror.dashboard import charts, charts_stats, data, filters, i18n

log = logging.getLogger(__name__)
LOW_N = 30  # answers below which a service's index is marked as resting on few answers
page = filters.preamble("services_title")
lang, names, t = page.lang, page.names, page.t

periods = filters.periods_or_stop(lang)

col_period, col_lib, col_tp = st.columns(3)
with col_period:
    period = filters.period_with_reason(lang, periods)
with col_lib:
    token = page.library_picker(everyone=True)
with col_tp:
    touchpoint = filters.touchpoint_picker(lang)
library_key = page.library_key(token)

# ---- satisfaction per touchpoint per library
st.header(t("services_matrix", period=period))
matrix = data.touchpoint_matrix(period, lang, names)
if library_key is not None:
    matrix = matrix[matrix["label"] == page.label_of_token(token)]
if touchpoint:
    matrix = matrix[matrix["touchpoint_code"] == touchpoint]
if matrix.empty:
    st.info(t("services_empty"))
else:
    # a cell resting on few answers is marked with * (and its n is in the tooltip)
    shown = matrix.assign(
        text=[
            i18n.number(v, lang, 0) + ("*" if n < LOW_N else "")
            for v, n in zip(matrix["value"], matrix["n"], strict=True)
        ]
    )
    st.altair_chart(
        charts.localized(
            charts.heatmap(
                shown,
                "touchpoint",
                "label",
                "value",
                t("touchpoint"),
                t("library"),
                t("index_axis"),
                text="text",
            ),
            lang,
        ),
        width="stretch",
    )
    st.caption(t("services_matrix_note"))
    if (matrix["n"] < LOW_N).any():
        st.caption(t("low_n_note", n=LOW_N))
    with st.expander(t("table_of_numbers")):
        st.dataframe(
            i18n.table(
                matrix,
                lang,
                {
                    "label": t("library"),
                    "touchpoint": t("touchpoint"),
                    "value": t("index_axis"),
                    "ci_low": t("ci_low"),
                    "ci_high": t("ci_high"),
                    "n": t("col_n"),
                },
                digits={"value": 1, "ci_low": 1, "ci_high": 1, "n": 0},
            ),
            hide_index=True,
        )

# ---- the staff link per touchpoint (a family of tests: adjusted p)
st.header(t("services_link"))
st.caption(t("services_link_note"))
try:
    link = data.staff_link(lang)
except data.DatabaseBusy:
    st.warning(t("busy"))
    link = None
except Exception as exc:  # noqa: BLE001 - the rest of the page is still useful without it
    log.exception("the hypothesis battery failed on the Services page")
    st.warning(t("hyp_failed", message=f"{type(exc).__name__}: {exc}"))
    link = None
if link is not None and link.dropna(subset=["estimate"]).empty:
    st.caption(t("services_link_none"))
elif link is not None:
    fitted = link.dropna(subset=["estimate"]).rename(columns={"touchpoint": "label"})
    st.altair_chart(
        charts.localized(charts_stats.estimates(fitted, t("link_axis"), t("touchpoint")), lang),
        width="stretch",
    )
    st.dataframe(
        i18n.table(
            link,
            lang,
            {
                "touchpoint": t("touchpoint"),
                "n": t("n_libraries"),
                "estimate": t("link_r"),
                "ci_low": t("ci_low"),
                "ci_high": t("ci_high"),
                "p": t("p_raw"),
                "p_adjusted": t("p_adjusted"),
            },
            digits={"n": 0, "estimate": 2, "ci_low": 2, "ci_high": 2, "p": 3, "p_adjusted": 3},
        ),
        hide_index=True,
    )

# ---- the smiley kiosk, on its own
st.header(t("kiosk_title"))
st.caption(t("kiosk_note"))
by_hour = data.kiosk(library_key, lang)
if by_hour.empty:
    st.info(t("kiosk_empty"))
else:
    shown = by_hour.assign(text=by_hour["score"].map(lambda v: i18n.number(v, lang, 0)))
    st.altair_chart(
        charts.localized(
            charts.heatmap(
                shown,
                "hour",
                "weekday_name",
                "score",
                t("hour"),
                t("weekday"),
                t("kiosk_score"),
                text="text",
            ),
            lang,
        ),
        width="stretch",
    )
    staffed = data.kiosk_staffed(by_hour)
    if staffed.empty:
        st.caption(t("kiosk_staffed_unknown"))
    else:
        cols = st.columns(len(staffed))
        for col, row in zip(cols, staffed.itertuples(), strict=True):
            col.metric(
                t("kiosk_staffed") if row.staffed else t("kiosk_unstaffed"),
                i18n.number(row.score, lang, 1),
                help=t("kiosk_presses", n=i18n.number(row.presses, lang, 0)),
            )
    with st.expander(t("table_of_numbers")):
        st.dataframe(
            i18n.table(
                by_hour.assign(
                    staffed=by_hour["staffed"].map(
                        lambda s: (
                            "" if s is None else (t("kiosk_staffed") if s else t("kiosk_unstaffed"))
                        )
                    )
                ),
                lang,
                {
                    "weekday_name": t("weekday"),
                    "hour": t("hour"),
                    "staffed": t("kiosk_staffed_col"),
                    "presses": t("kiosk_presses_col"),
                    "score": t("kiosk_score"),
                    "happiest_share": t("kiosk_happiest"),
                },
                digits={"hour": 0, "presses": 0, "score": 1},
                percent=["happiest_share"],
            ),
            hide_index=True,
        )


# ---- targets of the service declaration and patron segments for this choice
st.header(t("targets_header"))
targets = data.targets_latest(lang)
if not targets.empty:
    if library_key is not None:
        targets = targets[targets["library_key"] == library_key]
    if touchpoint:
        targets = targets[targets["touchpoint"] == touchpoint]
if targets.empty:
    st.caption(t("targets_none"))
else:
    st.dataframe(
        i18n.table(
            targets.assign(
                library=targets["library_key"].map(page.label_of),
                status=targets["status"].map(lambda s: t(f"status_{s}")),
            )[["library", "touchpoint_label", "label", "status"]],
            lang,
            {
                "library": t("library"),
                "touchpoint_label": t("touchpoint"),
                "label": t("targets_header"),
                "status": t("target_status"),
            },
        ),
        hide_index=True,
    )
st.header(t("segments_header"))
st.caption(t("segments_intro", n=data.segment_min_n()))
segments = data.segment_cells(library_key, touchpoint or "", "age_band")
if segments.empty:
    st.caption(t("segments_none"))
else:
    latest_segments = segments[segments["period"] == segments["period"].max()]
    if "suppressed" in latest_segments:
        hidden = latest_segments[latest_segments["suppressed"]]
        latest_segments = latest_segments[~latest_segments["suppressed"]]
        if not hidden.empty:
            st.caption(t("segments_hidden", segments=", ".join(hidden["segment"])))
    st.markdown(f"**{t('dim_age_band')} · {segments['period'].max()}**")
    if "ci_low" not in latest_segments:  # forum rows: pooled visible cells, no interval
        latest_segments = latest_segments.assign(ci_low=float("nan"), ci_high=float("nan"))
    st.altair_chart(
        charts.localized(charts.segment_bars(latest_segments, t("index_axis"), t("segment")), lang),
        width="stretch",
    )
