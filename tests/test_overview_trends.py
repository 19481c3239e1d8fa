"""The Overview opens on its scatter alone; every library over time is one choice away, as one
heatmap of libraries x periods or as lines per library, kept in the URL (``?trends=heatmap`` or
``lines``), the same published figures in both; and the per-run memo of the data version that
the page's every call shares."""

from __future__ import annotations

import json

import pandas as pd
from conftest import hundred_libraries_long
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


def test_the_overview_opens_on_its_scatter_alone(small_db, monkeypatch):
    at = run_page("overview", monkeypatch, small_db, lang="en", period="2023")
    assert len(at.get("vega_lite_chart")) == 1
    assert any("staff_index" in f.columns for f in chart_frames(at))
    assert i18n.t("overview_trends", "en") in [h.value for h in at.header]
    assert at.radio(key="filter_trends").value == ""
    assert "trends" not in at.query_params


def test_the_heatmap_has_gaps_not_hidden_figures(small_db, monkeypatch):
    at = run_page("overview", monkeypatch, small_db, lang="en", period="2023")
    at.radio(key="filter_trends").set_value("heatmap").run()
    assert not at.exception
    assert at.query_params["trends"] == "heatmap"
    spec = _trend_spec(at)
    assert spec["spec"]["mark"]["type"] == "rect"
    assert spec["facet"]["column"]["field"] == "measure"
    assert spec["resolve"]["scale"]["color"] == "independent"
    trend = next(f for f in chart_frames(at) if "measure" in f.columns)
    # 6 libraries x 2 periods x 2 measures, minus Zeta's hidden 2023 staff index: an empty cell
    assert len(trend) == 6 * 2 * 2 - 1
    assert i18n.t("overview_heatmap_note", "en", k=5) in [c.value for c in at.caption]
    _assert_nothing_hidden(at, hidden_figures(small_db))


def test_the_lines_per_library_show_the_same_figures_and_live_in_the_url(small_db, monkeypatch):
    heat = run_page("overview", monkeypatch, small_db, lang="en", period="2023", trends="heatmap")
    heat_frame = next(f for f in chart_frames(heat) if "measure" in f.columns)
    at = run_page("overview", monkeypatch, small_db, lang="en", period="2023", trends="lines")
    spec = _trend_spec(at)
    assert spec["facet"]["field"] == "label"  # one panel per library
    lines = next(f for f in chart_frames(at) if "measure" in f.columns)
    pd.testing.assert_frame_equal(lines, heat_frame)  # the very same figures
    assert i18n.t("overview_heatmap_note", "en", k=5) not in [c.value for c in at.caption]
    _assert_nothing_hidden(at, hidden_figures(small_db))
    # switching back to the scatter alone takes the parameter away again
    at.radio(key="filter_trends").set_value("").run()
    assert "trends" not in at.query_params
    assert len(at.get("vega_lite_chart")) == 1


def test_the_heatmap_is_one_small_spec_with_the_data_once():
    long = hundred_libraries_long()
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
