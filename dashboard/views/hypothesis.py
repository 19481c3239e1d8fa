"""Hypothesis / Hypotese: the verdict first, then each test, within vs between, direction, power.

Reads the ``analyze --json`` object through servicemirror.app.hypothesis, which computes it
from the published cells only; tidy tables come from the same module, charts from charts_stats.
"""

from __future__ import annotations

import logging
import re

import streamlit as st

from servicemirror.dashboard import charts, charts_stats, data, filters, i18n

log = logging.getLogger(__name__)

# the title comes below the helpers
page = filters.preamble()
lang, names, t = page.lang, page.names, page.t


def num(value, digits: int = 2) -> str:
    return i18n.number(value, lang, digits)


def show_test(row) -> None:
    """One test: name and role, a one-line explanation, the estimate with its interval."""
    name_key, explain_key = data.HYP_TEST_TEXT.get(row.key, (None, None))
    name = t(name_key) if name_key else str(row.label or row.key)
    role = {"primary": t("hyp_primary"), "secondary": t("hyp_secondary")}.get(row.role)
    st.markdown(f"**{name}**" + (f" · _{role}_" if role else ""))
    if explain_key:
        st.caption(t(explain_key))
    if row.reason:
        st.write(t("hyp_missing_part", reason=row.reason))
        return
    st.write(
        f"{t('hyp_estimate')}: **{num(row.estimate)}** · {t('hyp_interval')}: "
        f"{num(row.ci_low)} … {num(row.ci_high)}"
    )


TEST_COLUMNS = {
    "key": t("hyp_tests"),
    "role": t("hyp_role"),
    "estimate": t("hyp_estimate"),
    "ci_low": t("ci_low"),
    "ci_high": t("ci_high"),
    "p": t("col_p"),
    "p_adjusted": t("p_adjusted"),
}
EST_COLUMNS = {
    "label": t("hyp_part"),
    "estimate": t("hyp_estimate"),
    "ci_low": t("ci_low"),
    "ci_high": t("ci_high"),
    "p": t("col_p"),
}
EST_DIGITS = {"estimate": 2, "ci_low": 2, "ci_high": 2, "p": 3}


def power_column(column: str) -> str:
    """'naive r=0.3' -> 'Styrke, r = 0,3 (uden dæmpning)' in the page's language."""
    kind, _, r = column.partition(" r=")
    return t("hyp_power_column_" + kind, r=num(float(r), 1))


st.title(t("hyp_title"))

# a busy or unreadable database (e.g. from a newer version): one line, never a traceback
if filters.guarded(lang, data.published) is None:
    st.info(t("empty_state"))
    st.stop()
try:
    # the same names as on every other page: pseudonyms unless consented or the viewer asked
    result = data.hypothesis_result(lang, names)
except data.DatabaseBusy:
    st.warning(t("busy"))
    st.stop()
except Exception as exc:  # noqa: BLE001 - the page shows one line, the log keeps the detail
    log.exception("the hypothesis battery failed")
    st.error(t("hyp_failed", message=f"{type(exc).__name__}: {exc}"))
    st.stop()

# ---- 1. the answer in two sentences, what it means for us, and the two caveats beside it
verdict = result.get("verdict") or {}
kind = verdict.get("kind") or data.hyp_verdict_kind(result)
said = verdict.get(lang) or verdict.get(i18n.DEFAULT_LANGUAGE) or ""
# a sentence ends at . ! ? followed by a capital (decimal points and "r = 0.3" do not split)
sentences = re.split(r"(?<=[.!?])\s+(?=[A-ZÆØÅ(])", said.strip()) if said else []
summary_power = result.get("power") or {}
with st.container(border=True):
    st.subheader(t("hyp_verdict"))
    st.markdown(f"**{t('hyp_kind_' + kind)}**")
    st.markdown(" ".join(sentences[:2]))
    st.markdown(f"**{t('hyp_for_us')}**")
    st.markdown(t("hyp_for_us_" + kind))
    # the attenuated figure counts the unreliable staff averages; at lambda = 0 there is none
    needed = summary_power.get("libraries_needed_attenuated_r_0_3") or summary_power.get(
        "libraries_needed_r_0_3"
    )
    libraries = data.hyp_count(result.get("libraries"))
    if summary_power.get("zero_reliability"):
        st.caption(summary_power.get(f"zero_reliability_{lang}") or data.ZERO_RELIABILITY[lang])
    elif needed is not None:
        st.caption(t("hyp_power_caveat", j=libraries, n=needed))
    st.caption(t("association_note"))
    st.caption(
        t(
            "hyp_basis",
            libraries=libraries,
            periods=data.hyp_count(result.get("periods")),
            staff=num(data.hyp_count(result.get("staff_responses")), 0),
            patron=num(data.hyp_count(result.get("patron_responses")), 0),
        )
    )
    if len(sentences) > 2:
        with st.expander(t("hyp_more")):
            st.markdown(" ".join(sentences[2:]))

with st.expander(t("glossary_title")):
    st.markdown(t("glossary"))

# ---- the rest of the statistics, for whoever wants them
with st.expander(t("hyp_all_statistics")):
    # ---- 2. the tests: primary and secondary, then sensitivity apart
    table = data.hyp_tests(result)
    st.header(t("hyp_tests"))
    for row in table[table["role"] != "sensitivity"].itertuples():
        show_test(row)
    st.caption(t("hyp_details"))
    st.dataframe(
        i18n.table(
            table.assign(
                key=[
                    t(data.HYP_TEST_TEXT[k][0]) if k in data.HYP_TEST_TEXT else k
                    for k in table["key"]
                ],
                role=[t("hyp_" + r) for r in table["role"]],
            ),
            lang,
            TEST_COLUMNS,
            digits={"estimate": 2, "ci_low": 2, "ci_high": 2, "p": 3},
        ),
        hide_index=True,
    )
    st.subheader(t("hyp_sensitivity"))
    st.caption(t("hyp_sensitivity_intro"))
    for row in table[table["role"] == "sensitivity"].itertuples():
        show_test(row)

    # ---- 3. within vs between
    st.header(t("hyp_wb_title"))
    st.caption(t("hyp_wb_intro"))
    wb = data.hyp_within_between(result)
    if wb.empty:
        reason = table.loc[table["key"] == "within", "reason"].iloc[0]
        st.write(t("hyp_missing_part", reason=reason or t("hyp_no_reason")))
    else:
        wb = wb.assign(
            label=wb["part"].map({"between": t("hyp_between"), "within": t("hyp_within")})
        )
        st.altair_chart(
            charts.localized(charts_stats.estimates(wb, t("hyp_slope_axis"), t("hyp_part")), lang),
            width="stretch",
        )
        st.caption(t("table_of_numbers"))
        st.dataframe(i18n.table(wb, lang, EST_COLUMNS, digits=EST_DIGITS), hide_index=True)

    # ---- 4. both directions over time
    st.header(t("hyp_lag_title"))
    st.caption(t("hyp_lag_intro"))
    # bench/simulate_forums.py: the lag intervals are conservative at J = 15 (docs/simulation-results.md)
    st.caption(t("hyp_lag_caveat"))
    lag = data.hyp_lagged(result)
    lag = lag.assign(label=lag["direction"].map(lambda d: t("hyp_" + d)))
    fitted = lag.dropna(subset=["estimate"])
    if not fitted.empty:
        st.altair_chart(
            charts.localized(
                charts_stats.estimates(fitted, t("hyp_lag_axis"), t("hyp_part")), lang
            ),
            width="stretch",
        )
    lag_info = result.get("lagged") or {}
    if lag_info.get("lag"):
        # the calendar distance the models use, and how many pairs each distance had
        counts = ", ".join(f"{d}: {n}" for d, n in (lag_info.get("pair_counts") or {}).items())
        unit = t("hyp_lag_unit_" + str(lag_info.get("period_length") or "year"))
        st.caption(t("hyp_lag_used", lag=lag_info["lag"], unit=unit, counts=counts))
    for row in lag[lag["estimate"].isna()].itertuples():
        st.write(f"{row.label}: " + t("hyp_missing_part", reason=row.reason))
    if not fitted.empty:
        st.caption(t("table_of_numbers"))
        st.dataframe(i18n.table(fitted, lang, EST_COLUMNS, digits=EST_DIGITS), hide_index=True)

    # ---- 5. touchpoints (a family, adjusted p)
    tps = data.hyp_touchpoints(result)
    if not tps.empty:
        st.header(t("hyp_touchpoints"))
        st.caption(t("hyp_touchpoints_intro"))
        st.dataframe(
            i18n.table(
                tps.assign(
                    touchpoint=[data.touchpoint_label(tp, lang) for tp in tps["touchpoint"]]
                ),
                lang,
                {"touchpoint": t("touchpoint"), "n": t("col_n"), **TEST_COLUMNS},
                digits={**EST_DIGITS, "n": 0, "p_adjusted": 3},
            ),
            hide_index=True,
        )

    # ---- 5b. exploratory: patron comment themes and tone (same family, never the verdict)
    outcomes = data.comment_outcome_table(result, lang)
    if not outcomes.empty:
        st.header(t("hyp_comments"))
        st.caption(t("hyp_comments_intro"))
        st.dataframe(outcomes, hide_index=True)

    # ---- 6. how many libraries would we need?
    plan = data.hyp_planning(result)
    st.header(t("hyp_power_title"))
    st.caption(t("hyp_power_intro", j=plan["J"]))
    curve = data.hyp_power_curve(plan)
    st.altair_chart(
        charts.localized(
            charts_stats.power_curve(
                curve.assign(
                    kind=[t("hyp_power_kind_" + k) for k in curve["kind"]],
                    r_label=[f"r = {num(r, 1)}" for r in curve["r_true"]],
                ),
                plan["J"],
                t("hyp_power_axis_j"),
                t("hyp_power_axis_power"),
                t("hyp_power_r"),
            ),
            lang,
        ),
        width="stretch",
    )
    summary_power = result.get("power") or {}
    zero_reliability = bool(summary_power.get("zero_reliability"))
    if zero_reliability:
        # lambda = 0: no finite "libraries needed" once attenuation is counted; say why
        st.warning(summary_power.get(f"zero_reliability_{lang}") or data.ZERO_RELIABILITY[lang])
    for r, suffix in ((0.2, "r_0_2"), (0.3, "r_0_3"), (0.5, "r_0_5")):
        needed = summary_power.get(f"libraries_needed_{suffix}")
        if needed is None or zero_reliability:
            continue
        attenuated = summary_power.get(f"libraries_needed_attenuated_{suffix}")
        if attenuated is None:
            st.write(t("hyp_power_needed_plain", r=num(r, 1), n=needed))
        else:
            st.write(t("hyp_power_needed", r=num(r, 1), n=needed, n_att=attenuated))
    st.caption(t("hyp_power_note"))
    st.caption(t("table_of_numbers"))
    power_numbers = data.hyp_power_table(curve)
    st.dataframe(
        i18n.table(
            power_numbers,
            lang,
            {
                c: t("hyp_power_axis_j") if c == "J" else power_column(c)
                for c in power_numbers.columns
            },
            digits={c: 2 for c in power_numbers.columns if c != "J"},
        ),
        hide_index=True,
    )

    # ---- 7. caveats, and association is not causation
    st.header(t("hyp_caveats"))
    reliability = result.get("reliability") or {}
    if reliability.get("icc2") is not None or reliability.get("alpha_min") is not None:
        st.write(
            t(
                "hyp_reliability",
                icc1=num(reliability.get("icc1")),
                icc2=num(reliability.get("icc2")),
                alpha=num(reliability.get("alpha_min")),
            )
        )
    for item in result.get("excluded") or []:
        st.write(t("hyp_excluded", library=item.get("library"), reason=item.get("reason")))
    st.info(t("hyp_causation"))
