"""Comments / Kommentarer: what patrons (and, for the library's own manager, staff) write about.

Themes by frequency with their tone (shares with 95 % intervals, never a score) against the
forum's spread, one theme's trend over periods, and scrubbed example comments for the library's
own manager only. Counts of groups below k_comments never arrive from data.py; the forum view
sees counts and tone, never text.
"""

from __future__ import annotations

import streamlit as st

from servicemirror.dashboard import charts, charts_comments, comment_status, data, filters, i18n

EXAMPLES_PER_THEME = 10
page = filters.preamble("comments_title")
lang, names, t = page.lang, page.names, page.t
periods = filters.periods_or_stop(lang)
pub = filters.guarded(lang, data.published)
st.caption(t("comments_intro", k=pub.k_comments))

theme_labels = filters.guarded(lang, lambda: data.theme_labels(lang))
col_lib, col_period, col_tp, col_theme = st.columns(4)
with col_lib:
    token = page.library_picker()
with col_period:
    period = filters.choose(t("period"), periods, "period")
with col_tp:
    touchpoint = filters.touchpoint_picker(lang)
counts = filters.guarded(lang, lambda: data.comment_counts(touchpoint=touchpoint or ""))
with col_theme:
    themes = sorted(set(counts["theme"]) - {""}, key=lambda th: theme_labels.get(th, th))
    theme = filters.choose(
        t("comments_theme"),
        ["", *themes],
        "theme",
        default="",
        format_func=lambda th: theme_labels.get(th, th) if th else t("comments_all_themes"),
    )
library_key = page.library_key(token)
label = page.label_of_token(token)
st.subheader(label)

# ---- themes by frequency with their tone, against the forum's spread
st.header(t("comments_themes_header"))
mine = counts[(counts["library_key"] == library_key) & (counts["period"] == period)]
if mine.empty:
    st.info(t("comments_no_counts", library=label, period=period, k=pub.k_comments))
else:
    total = mine[mine["theme"] == ""].iloc[0]
    st.caption(
        t("comments_group", n=int(total["n_all"]), group=int(total["n_group"]), period=period)
    )
    bars, spread = data.comment_bars(mine, period, lang, theme_labels)
    if not bars.empty:
        chart = charts_comments.themes_by_tone(
            bars,
            spread,
            t("comments_share_axis"),
            t("tone"),
            t("comments_theme"),
            [t("tone_positive"), t("tone_neutral"), t("tone_negative")],
        )
        st.altair_chart(charts.localized(chart, lang), width="stretch")
        st.caption(t("comments_spread"))
        st.dataframe(data.comment_theme_table(mine, lang, theme_labels), hide_index=True)
        st.caption(t("tone_table_help"))

# ---- one theme over the periods
st.header(t("comments_trend_header"))
if not theme:
    st.caption(t("comments_trend_pick"))
else:
    trend = data.comment_trend(counts, library_key, theme, lang)
    st.altair_chart(
        charts.localized(
            charts_comments.theme_trend(trend, t("comments_share_axis"), t("period"), ""), lang
        ),
        width="stretch",
    )

# ---- example comments: only the library's own manager, only above the comments threshold
st.header(t("comments_examples_header"))
found = comment_status.shown_comments(
    data.may_see_detail(library_key, names),
    lambda: data.comment_examples(library_key, period, names, touchpoint=touchpoint or ""),
    t,
)
if found is not None:
    # under each theme (most frequent first), or only the chosen one
    order = list(mine.sort_values("n_comments", ascending=False)["theme"]) if not mine.empty else []
    for th in [theme] if theme else [x for x in order if x]:
        part = found[found["themes"].map(lambda ths, th=th: th in ths)]
        if part.empty:
            continue
        with st.expander(f"{theme_labels.get(th, th)} ({len(part)})", expanded=bool(theme)):
            st.dataframe(
                i18n.table(
                    part.head(EXAMPLES_PER_THEME).assign(
                        tone=part["tone"].map(lambda tone: t(f"tone_{tone}"))
                    ),
                    lang,
                    {"text": t("comment"), "tone": t("tone")},
                ),
                hide_index=True,
            )

# ---- staff comments: the library's own manager only, groups of at least k_comments
if data.may_see_detail(library_key, names):
    st.header(t("comments_staff_header"))
    staff = data.staff_comment_counts(library_key, names)
    staff = staff[staff["period"] == period]
    staff_text, _, _ = data.comment_examples(library_key, period, names, side="staff")
    if staff.empty:
        st.caption(t("comments_staff_none", k=pub.k_comments))
    else:
        st.dataframe(data.comment_theme_table(staff, lang, theme_labels), hide_index=True)
        if staff_text is not None and not staff_text.empty:
            st.dataframe(i18n.table(staff_text, lang, {"text": t("comment")}), hide_index=True)
