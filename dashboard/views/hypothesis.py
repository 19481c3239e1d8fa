"""Hypothesis / Hypotese: the verdict first, then each test, within vs between, direction, power.

Reads the ``analyze --json`` object (issue 4) through servicemirror.findings, which computes it
from the published cells only; tidy tables come from findings, charts from charts_stats.
"""

from __future__ import annotations

import logging

import streamlit as st

from servicemirror import db, findings, hypothesis
from servicemirror.analysis import power
from servicemirror.analysis import verdict as verdict_text
from servicemirror.dashboard import charts_stats, data, i18n

log = logging.getLogger(__name__)

lang = st.session_state.get("language", i18n.DEFAULT_LANGUAGE)


def t(key: str, **values) -> str:
    """Shorthand for the page's language."""
    return i18n.t(key, lang, **values)


def num(value, digits: int = 2) -> str:
    return i18n.number(value, lang, digits)


def show_test(row) -> None:
    """One test: name and role, a one-line explanation, the estimate with its interval."""
    name_key, explain_key = findings.TEST_TEXT.get(row.key, (None, None))
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


st.title(t("hyp_title"))

path = data.db_path()
if not db.exists(path):
    st.info(t("empty_state"))
    st.stop()
try:
    result = findings.result(path)
except db.DatabaseBusy:
    st.warning(t("busy"))
    st.stop()
except Exception as exc:  # noqa: BLE001 - the page shows one line, the log keeps the detail
    log.exception("the hypothesis battery failed")
    st.error(t("hyp_failed", message=f"{type(exc).__name__}: {exc}"))
    st.stop()
# the same names as on every other page: pseudonyms unless consented or the viewer asked
labels = data.library_labels(lang, bool(st.session_state.get("show_names")))
result = hypothesis.with_display_names(
    result, labels.rename(columns={"label": "display_name"})[["library_key", "display_name"]]
)

# ---- 1. the verdict card, in plain words
verdict = result.get("verdict") or {}
kind = verdict.get("kind") or verdict_text.verdict(result)["kind"]
with st.container(border=True):
    st.subheader(t("hyp_verdict"))
    st.markdown(f"**{t('hyp_kind_' + kind)}**")
    st.write(verdict.get(lang) or verdict.get(i18n.DEFAULT_LANGUAGE) or "")
    st.caption(
        t(
            "hyp_basis",
            libraries=findings.count(result.get("libraries")),
            periods=findings.count(result.get("periods")),
            staff=num(findings.count(result.get("staff_responses")), 0),
            patron=num(findings.count(result.get("patron_responses")), 0),
        )
    )

# ---- 2. the tests: primary and secondary, then sensitivity apart
table = findings.tests(result)
st.header(t("hyp_tests"))
for row in table[table["role"] != "sensitivity"].itertuples():
    show_test(row)
with st.expander(t("hyp_details")):
    st.dataframe(table.drop(columns=["label"]), hide_index=True)
st.subheader(t("hyp_sensitivity"))
st.caption(t("hyp_sensitivity_intro"))
for row in table[table["role"] == "sensitivity"].itertuples():
    show_test(row)

# ---- 3. within vs between
st.header(t("hyp_wb_title"))
st.caption(t("hyp_wb_intro"))
wb = findings.within_between(result)
if wb.empty:
    reason = table.loc[table["key"] == "within", "reason"].iloc[0]
    st.write(t("hyp_missing_part", reason=reason or t("hyp_no_reason")))
else:
    wb = wb.assign(label=wb["part"].map({"between": t("hyp_between"), "within": t("hyp_within")}))
    st.altair_chart(charts_stats.estimates(wb, t("hyp_slope_axis"), t("hyp_part")), width="stretch")
    with st.expander(t("table_of_numbers")):
        st.dataframe(wb[["label", "estimate", "ci_low", "ci_high"]], hide_index=True)

# ---- 4. both directions over time
st.header(t("hyp_lag_title"))
st.caption(t("hyp_lag_intro"))
lag = findings.lagged(result)
lag = lag.assign(label=lag["direction"].map(lambda d: t("hyp_" + d)))
fitted = lag.dropna(subset=["estimate"])
if not fitted.empty:
    st.altair_chart(
        charts_stats.estimates(fitted, t("hyp_lag_axis"), t("hyp_part")), width="stretch"
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
    with st.expander(t("table_of_numbers")):
        st.dataframe(fitted[["label", "estimate", "ci_low", "ci_high", "p"]], hide_index=True)

# ---- 5. touchpoints (a family, adjusted p)
tps = findings.touchpoints(result)
if not tps.empty:
    st.header(t("hyp_touchpoints"))
    st.caption(t("hyp_touchpoints_intro"))
    st.dataframe(tps, hide_index=True)

# ---- 6. how many libraries would we need?
plan = findings.planning(result)
st.header(t("hyp_power_title"))
st.caption(t("hyp_power_intro", j=plan["J"]))
curve = power.power_curve(range(5, 201), lambda_x=plan["lambda_x"], lambda_y=plan["lambda_y"])
st.altair_chart(
    charts_stats.power_curve(
        curve,
        plan["J"],
        t("hyp_power_axis_j"),
        t("hyp_power_axis_power"),
        t("hyp_power_r"),
    ),
    width="stretch",
)
summary_power = result.get("power") or {}
zero_reliability = bool(summary_power.get("zero_reliability"))
if zero_reliability:
    # lambda = 0: no finite "libraries needed" once attenuation is counted; say why
    st.warning(summary_power.get(f"zero_reliability_{lang}") or power.ZERO_RELIABILITY[lang])
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
with st.expander(t("table_of_numbers")):
    st.dataframe(findings.power_table(curve), hide_index=True)

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
