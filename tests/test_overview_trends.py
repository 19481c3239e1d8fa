"""The Overview's trends: one heatmap of libraries x periods by default, the lines per library
behind a switch that lives in the URL (``?trends=lines``), the same published figures in both;
and the per-run memo of the data version that the page's every call shares."""

from __future__ import annotations

import json

import pandas as pd
from streamlit.testing.v1 import AppTest
from test_dashboard_pages import (
    _assert_nothing_hidden,
    chart_frames,
    chart_specs,
    hidden_figures,
    run_page,
)

from servicemirror.dashboard import charts, data, i18n


def _trend_spec(at: AppTest) -> dict:
    return next(s for s in chart_specs(at) if "facet" in s)


def test_the_overview_opens_on_the_heatmap_with_gaps_not_hidden_figures(small_db, monkeypatch):
    at = run_page("overview", monkeypatch, small_db, lang="en", period="2023")
    spec = _trend_spec(at)
    assert spec["spec"]["mark"]["type"] == "rect"
    assert spec["facet"]["column"]["field"] == "measure"
    assert spec["resolve"]["scale"]["color"] == "independent"
    trend = next(f for f in chart_frames(at) if "measure" in f.columns)
    # 6 libraries x 2 periods x 2 measures, minus Zeta's hidden 2023 staff index: an empty cell
    assert len(trend) == 6 * 2 * 2 - 1
    assert i18n.t("overview_heatmap_note", "en", k=5) in [c.value for c in at.caption]
    assert not at.toggle(key="filter_trends").value
    assert "trends" not in at.query_params
    _assert_nothing_hidden(at, hidden_figures(small_db))


def test_the_switch_draws_the_lines_per_library_and_keeps_it_in_the_url(small_db, monkeypatch):
    at = run_page("overview", monkeypatch, small_db, lang="en", period="2023")
    heat = next(f for f in chart_frames(at) if "measure" in f.columns)
    at.toggle(key="filter_trends").set_value(True).run()
    assert not at.exception
    spec = _trend_spec(at)
    assert spec["facet"]["field"] == "label"  # one panel per library
    assert at.query_params["trends"] == "lines"
    lines = next(f for f in chart_frames(at) if "measure" in f.columns)
    pd.testing.assert_frame_equal(lines, heat)  # the very same figures
    assert i18n.t("overview_heatmap_note", "en", k=5) not in [c.value for c in at.caption]
    _assert_nothing_hidden(at, hidden_figures(small_db))
    # a shared link opens the lines; switching off takes the parameter away again
    linked = run_page("overview", monkeypatch, small_db, lang="en", period="2023", trends="lines")
    assert _trend_spec(linked)["facet"]["field"] == "label"
    linked.toggle(key="filter_trends").set_value(False).run()
    assert "trends" not in linked.query_params
    assert _trend_spec(linked)["spec"]["mark"]["type"] == "rect"


def test_the_heatmap_is_one_small_spec_with_the_data_once():
    long = pd.DataFrame(
        [
            (f"Library {i}", str(period), measure, 50.0 + i % 7 + period % 3)
            for i in range(100)
            for period in range(2019, 2027)
            for measure in ("Staff", "Patrons")
        ],
        columns=["label", "period", "measure", "value"],
    )
    chart = charts.trends_heatmap(long, "p", "lib", "v")
    spec = chart.to_dict()  # validated against the Vega-Lite schema
    assert len(spec["datasets"]) == 1
    assert len(next(iter(spec["datasets"].values()))) == len(long)
    # two panels (one per measure), not one per library; libraries are rows of one y axis
    assert spec["facet"]["column"]["field"] == "measure"
    assert spec["spec"]["encoding"]["y"]["field"] == "label"
    assert spec["spec"]["encoding"]["y"]["sort"] is None  # the labels' order: never by score
    rest = {k: v for k, v in spec.items() if k != "datasets"}
    assert len(json.dumps(rest)) < 3000


def test_a_write_within_a_run_is_seen_by_the_rest_of_that_run(small_db, monkeypatch):
    """The data version is read once per run, and again after anything that may write."""
    monkeypatch.setenv("SERVICEMIRROR_DB", str(small_db))

    def script():
        from servicemirror.core import db
        from servicemirror.dashboard import data

        before = data.data_version()
        with db.writing(data.db_path()):
            pass  # a committed write bumps the version (as every write through the service)
        st_memo = data.data_version()
        data.service()  # what every write in the dashboard goes through
        after = data.data_version()
        import streamlit as st

        st.text(f"{before} {st_memo} {after}")

    at = AppTest.from_function(script, default_timeout=60)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    before, memo, after = map(int, at.text[0].value.split())
    assert memo == before  # one read per run ...
    assert after == before + 1  # ... and the write is seen after the service was asked for
    assert data.data_version() == after  # outside a run: read every time
