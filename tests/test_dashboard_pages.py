"""AppTest for the Overview, Library, Services and Data quality pages, plus their chart functions.

Every page runs in both languages on the demo database and on the small forum (where library
Zeta has only 3 staff answers in 2023), and the tests assert content: the points in the scatter,
pseudonyms, suppressed cells, no hidden staff figure in any chart or table, filters restored from
the URL. Chart data is read from the Arrow datasets Streamlit sends to the browser.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from servicemirror import queries
from servicemirror.core import db
from servicemirror.dashboard import charts, i18n
from servicemirror.privacy import publish

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
PAGES = {
    "overview": "overview_title",
    "library": "library_title",
    "services": "services_title",
    "data_quality": "quality_title",
}


def run_page(
    page: str,
    monkeypatch,
    db_path: Path,
    lang: str = "da",
    names: bool = False,
    **params: str,
) -> AppTest:
    """Run one page of the dashboard headless against ``db_path`` with URL ``params``."""
    monkeypatch.setenv("SERVICEMIRROR_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    at.session_state["show_names"] = names
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """Every dataset of every chart on the page, decoded from Arrow."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frames.append(pa.ipc.open_stream(dataset.data.data).read_all().to_pandas())
    return frames


def chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def table_frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def page_text(at: AppTest) -> str:
    """All visible text of a page: headings, markdown, captions, metrics, tables, chart data."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption")
        for e in getattr(at, kind)
    ]
    parts += [e.value for e in at.info] + [e.value for e in at.warning]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [f.to_csv() for f in table_frames(at)]
    parts += [f.to_csv() for f in chart_frames(at)]
    parts += [json.dumps(s) for s in chart_specs(at)]
    return "\n".join(str(p) for p in parts)


def published(db_path: Path) -> publish.Published:
    with db.reading(db_path) as con:
        return publish.build(con)


def hidden_figures(db_path: Path) -> list[float]:
    """The true staff means of every suppressed cell, from the raw cells (what must never show)."""
    pub = published(db_path)
    with db.reading(db_path) as con:
        raw = queries.run(con, "cells")
    hidden = pub.cells[pub.cells["suppressed"]][["library_key", "period", "measure", "touchpoint"]]
    merged = raw.merge(hidden, on=["library_key", "period", "measure", "touchpoint"])
    values = merged["mean"].dropna().tolist()
    assert values, "the fixture must have at least one suppressed staff cell"
    return values


# --------------------------------------------------------------------------- every page, both languages


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_runs_in_both_languages(page, lang, demo_db, monkeypatch):
    at = run_page(page, monkeypatch, demo_db, lang=lang)
    assert at.title[0].value == i18n.t(PAGES[page], lang)
    assert len(at.get("vega_lite_chart")) >= 1
    other = "en" if lang == "da" else "da"
    # page-specific headings come in the chosen language, not the other one
    own = {h.value for h in at.header}
    assert own, "every page has sections"
    if page == "overview":
        assert i18n.t("overview_trends", lang) in own
        assert i18n.t("overview_trends", other) not in own


@pytest.mark.parametrize("page", list(PAGES))
def test_empty_database_says_what_to_upload(page, tmp_path, monkeypatch):
    at = run_page(page, monkeypatch, tmp_path / "missing.duckdb", lang="en")
    assert [i.value for i in at.info] == [i18n.t("empty_state", "en")]
    assert not at.get("vega_lite_chart")


# --------------------------------------------------------------------------- Overview


def test_overview_scatter_has_one_point_per_library_with_both_indices(demo_db, monkeypatch):
    summary = publish.summary(published(demo_db))
    for period in ("2021", "2024"):
        at = run_page("overview", monkeypatch, demo_db, lang="en", period=period)
        expected = summary[(summary["period"] == period)].dropna(
            subset=["staff_index", "patron_index"]
        )
        frames = chart_frames(at)
        points = next(f for f in frames if "staff_index" in f.columns)
        assert len(points) == len(expected) > 5
        assert sorted(points["staff_index"].round(6)) == sorted(expected["staff_index"].round(6))
        assert at.metric[0].value == str(len(expected))
        # the regression band is fitted on exactly those points
        band = next(f for f in frames if "fit" in f.columns)
        from servicemirror.analysis.descriptive import ols_band

        want = ols_band(points["staff_index"], points["patron_index"])
        np.testing.assert_allclose(band["ci_low"], want["ci_low"])
        marks = [layer["mark"]["type"] for layer in chart_specs(at)[0]["layer"]]
        # names beside the points: one text layer per side they sit on (left / right)
        assert marks[:3] == ["area", "line", "circle"] and set(marks[3:]) == {"text"}


def test_overview_libraries_are_pseudonymous_unless_consented(demo_db, monkeypatch):
    libs = published(demo_db).grid.drop_duplicates("library_key")
    secret = libs.loc[~libs["consent_named"].astype(bool), "display_name"].tolist()
    public = libs.loc[libs["consent_named"].astype(bool), "display_name"].tolist()
    assert secret and public
    at = run_page("overview", monkeypatch, demo_db, lang="da", period="2024")
    at.toggle(key="overview_table").set_value(True).run()
    text = page_text(at)
    for name in secret:
        assert name not in text
    assert any(name in text for name in public)
    labels = table_frames(at)[0][i18n.t("library", "da")].tolist()
    pseudonyms = [lbl for lbl in labels if lbl.startswith("Bibliotek ")]
    assert pseudonyms and all(len(lbl.split()[-1]) <= 2 for lbl in pseudonyms)
    # the opt-in table is ordered by label (named first, then by pseudonym), not by score
    assert pseudonyms == sorted(pseudonyms, key=lambda s: (len(s), s))


def test_overview_table_is_opt_in(demo_db, monkeypatch):
    at = run_page("overview", monkeypatch, demo_db, lang="en")
    shown = {tuple(f.columns) for f in table_frames(at)}
    assert (i18n.t("library", "en"), i18n.t("staff_index", "en")) not in {s[:2] for s in shown}


def test_overview_names_switch_shows_real_names(demo_db, monkeypatch):
    libs = published(demo_db).grid.drop_duplicates("library_key")
    secret = libs.loc[~libs["consent_named"].astype(bool), "display_name"].tolist()
    at = run_page("overview", monkeypatch, demo_db, lang="en", names=True, period="2024")
    text = page_text(at)
    assert sum(name in text for name in secret) >= 5
    assert "Library A" not in text


def test_overview_small_multiples_have_gaps_not_hidden_figures(small_db, monkeypatch):
    # the trends are drawn on request (the Overview opens on its scatter): here as lines
    at = run_page("overview", monkeypatch, small_db, lang="en", period="2023", trends="lines")
    frames = chart_frames(at)
    trend = next(f for f in frames if "measure" in f.columns)
    assert set(trend["measure"]) == {i18n.t("measure_staff", "en"), i18n.t("measure_patron", "en")}
    # 6 libraries x 2 periods x 2 measures, minus Zeta's hidden 2023 staff index
    assert len(trend) == 6 * 2 * 2 - 1
    points = next(f for f in frames if "staff_index" in f.columns)
    assert len(points) == 5
    assert i18n.t("suppressed_note", "en", n=1, k=5) in [c.value for c in at.caption]


# --------------------------------------------------------------------------- no staff figure below k


@pytest.mark.parametrize("page", list(PAGES))
def test_no_hidden_staff_figure_on_any_page(page, small_db, monkeypatch):
    hidden = hidden_figures(small_db)
    for names in (False, True):
        at = run_page(page, monkeypatch, small_db, lang="da", names=names, period="2023")
        if page in ("library", "services", "data_quality"):
            # every library on its own too, under pseudonyms and by name
            options = at.selectbox(key="filter_library").options
            for i in range(len(options)):
                at.selectbox(key="filter_library").select_index(i).run()
                assert not at.exception
                _assert_nothing_hidden(at, hidden)
        _assert_nothing_hidden(at, hidden)


def _assert_nothing_hidden(at: AppTest, hidden: list[float]) -> None:
    """No chart dataset holds a hidden figure, and no table or metric shows it formatted."""
    for frame in chart_frames(at):
        numbers = frame.select_dtypes("number").to_numpy(float).ravel()
        for value in hidden:
            assert not np.isclose(numbers, value, rtol=0, atol=1e-9).any()
    text = "\n".join(f.to_csv() for f in table_frames(at))
    text += "\n".join(f"{m.value}" for m in at.metric)
    for value in hidden:
        for lang in ("da", "en"):
            for digits in (1, 2):
                assert i18n.number(value, lang, digits) not in text


def test_library_page_marks_suppressed_staff_cell(small_db, monkeypatch):
    at = run_page(
        "library", monkeypatch, small_db, lang="en", names=True, period="2023", library="zeta"
    )
    assert at.subheader[0].value == "Zeta"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[i18n.t("measure_staff", "en")] == i18n.t("suppressed_short", "en", k=5)
    assert metrics[i18n.t("measure_enps", "en")] == i18n.t("suppressed_short", "en", k=5)
    assert metrics[i18n.t("measure_patron", "en")] not in ("—", "")
    captions = [c.value for c in at.caption]
    assert i18n.t("suppressed_periods", "en", periods="2023", k=5) in captions
    assert i18n.t("items_none_staff", "en", k=5) in captions


def test_data_quality_marks_suppressed_cells_without_their_count(small_db, monkeypatch):
    at = run_page("data_quality", monkeypatch, small_db, lang="en", names=True)
    staff = table_frames(at)[0].set_index(i18n.t("library", "en"))
    assert staff.loc["Zeta", "2023"] == "< 5"
    assert staff.loc["Zeta", "2024"] == "11"
    coverage = next(
        f for f in chart_frames(at) if "status" in f.columns and (f["status"] == "suppressed").any()
    )
    hidden = coverage[coverage["status"] == "suppressed"]
    assert len(hidden) == 1 and hidden["n"].isna().all()
    assert i18n.t("coverage_hidden", "en", n=1, k=5) in [c.value for c in at.caption]


# --------------------------------------------------------------------------- filters in the URL


def test_filters_are_restored_from_the_url(demo_db, monkeypatch):
    at = run_page("overview", monkeypatch, demo_db, lang="en", period="2021")
    assert at.selectbox(key="filter_period").value == "2021"
    assert at.header[0].value == i18n.t("overview_scatter", "en", period="2021")
    at = run_page(
        "library",
        monkeypatch,
        demo_db,
        lang="en",
        period="2022",
        library="gentofte",
        touchpoint="counter",
    )
    assert at.selectbox(key="filter_period").value == "2022"
    assert at.selectbox(key="filter_library").value == "gentofte"
    assert at.subheader[0].value == "Gentofte Centralbibliotek"
    assert at.selectbox(key="filter_touchpoint").value == "counter"
    assert at.query_params["library"] == "gentofte"
    # changing a filter writes it back to the URL
    at.selectbox(key="filter_period").set_value("2020").run()
    assert at.query_params["period"] == "2020"


def test_pseudonym_link_works_but_a_key_cannot_unmask(demo_db, monkeypatch):
    libs = published(demo_db).grid.drop_duplicates("library_key")
    secret_key = libs.loc[~libs["consent_named"].astype(bool), "library_key"].iloc[0]
    secret_name = libs.loc[libs["library_key"] == secret_key, "display_name"].iloc[0]
    at = run_page("library", monkeypatch, demo_db, lang="da", library=secret_key)
    assert at.selectbox(key="filter_library").value != secret_key
    assert secret_name not in page_text(at)
    at = run_page("library", monkeypatch, demo_db, lang="da", library="B")
    assert at.selectbox(key="filter_library").value == "B"
    assert at.subheader[0].value == "Bibliotek B"


# --------------------------------------------------------------------------- Library, Services


def test_library_page_content(demo_db, monkeypatch):
    at = run_page("library", monkeypatch, demo_db, lang="en", period="2024", library="gentofte")
    headers = [h.value for h in at.header]
    assert i18n.t("library_items", "en", period="2024") in headers
    specs = chart_specs(at)

    def marks(spec: dict) -> list[str]:
        """Mark types of a (possibly nested) layered spec, in drawing order."""
        if "layer" in spec:
            return [m for layer in spec["layer"] for m in marks(layer)]
        mark = spec.get("mark")
        return [mark["type"] if isinstance(mark, dict) else mark] if mark else []

    # over time vs the forum: band, median, interval rules, own line (then targets/projects)
    assert marks(specs[0])[:4] == ["area", "line", "rule", "line"]
    items = [f for f in chart_frames(at) if "start" in f.columns]
    assert items, "diverging item bars are drawn"
    for frame in items:
        totals = frame.groupby("item")["share"].sum()
        np.testing.assert_allclose(totals, 1.0)
    changes = next(f for f in table_frames(at) if i18n.t("change", "en") in f.columns)
    assert i18n.t("measure_patron", "en") in set(changes[i18n.t("measure", "en")])
    # comments only for the library's own manager
    assert i18n.t("comments_manager_only", "en") in [c.value for c in at.caption]
    at = run_page(
        "library", monkeypatch, demo_db, lang="en", names=True, period="2024", library="gentofte"
    )
    comments = table_frames(at)[-1]
    assert list(comments.columns) == [i18n.t("comment", "en"), i18n.t("touchpoint", "en")]
    text = " ".join(comments[i18n.t("comment", "en")])
    assert "@" not in text and "[e-mail fjernet]" in text


def test_library_page_marks_aggregate_only_data(demo_db, monkeypatch):
    pub = published(demo_db)
    agg = pub.cells[(pub.cells["source"] == "aggregates") & ~pub.cells["suppressed"]].iloc[0]
    at = run_page(
        "library",
        monkeypatch,
        demo_db,
        lang="en",
        names=True,
        period=agg["period"],
        library=str(agg["library_key"]),
    )
    assert i18n.t("aggregates_note", "en") in [i.value for i in at.info]
    trend = next(f for f in table_frames(at) if i18n.t("source", "en") in f.columns)
    assert i18n.t("source_aggregates", "en") in set(trend[i18n.t("source", "en")])


def test_comments_hidden_below_the_comments_threshold(small_db, monkeypatch):
    # the small forum has 20 patrons per library and period; raise k_comments above that
    from servicemirror.etl import load

    load.set_setting(small_db, "k_comments", "25")
    at = run_page(
        "library", monkeypatch, small_db, lang="en", names=True, period="2024", library="alfa"
    )
    assert i18n.t("comments_below", "en", n=20, k=25) in [c.value for c in at.caption]
    assert i18n.t("comment", "en") not in {c for f in table_frames(at) for c in f.columns}


def test_services_page_content(demo_db, monkeypatch):
    at = run_page("services", monkeypatch, demo_db, lang="en", period="2024")
    frames = chart_frames(at)
    matrix = next(f for f in frames if "touchpoint_code" in f.columns)
    pub = published(demo_db)
    cells = pub.cells[
        (pub.cells["period"] == "2024")
        & (pub.cells["touchpoint"] != "")
        & (pub.cells["side"] == "patron")
    ]
    assert len(matrix) == len(cells)
    assert set(matrix["touchpoint"]) >= {"Counter service", "Home delivery (Bogen Kommer)"}
    headers = [h.value for h in at.header]
    assert i18n.t("kiosk_title", "en") in headers
    kiosk = next(f for f in frames if "weekday_name" in f.columns)
    assert set(kiosk["weekday"]) <= set(range(1, 8)) and kiosk["score"].between(0, 100).all()
    link = next(f for f in table_frames(at) if i18n.t("p_adjusted", "en") in f.columns)
    assert len(link) == 4
    # filter on one touchpoint
    at = run_page(
        "services", monkeypatch, demo_db, lang="en", period="2024", touchpoint="home_delivery"
    )
    matrix = next(f for f in chart_frames(at) if "touchpoint_code" in f.columns)
    assert set(matrix["touchpoint_code"]) == {"home_delivery"}


def test_services_kiosk_is_not_mixed_into_the_index(small_db, monkeypatch):
    at = run_page("services", monkeypatch, small_db, lang="da", period="2024")
    assert i18n.t("kiosk_empty", "da") in [i.value for i in at.info]


def test_data_quality_shows_reliability_and_history(demo_db, monkeypatch):
    at = run_page("data_quality", monkeypatch, demo_db, lang="da")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["ICC(1)"] != "—" and "," in metrics["ICC(2)"]
    history = table_frames(at)[-1]
    assert i18n.t("col_file", "da") not in history.columns  # file names may name a library
    at = run_page("data_quality", monkeypatch, demo_db, lang="da", names=True)
    assert i18n.t("col_file", "da") in table_frames(at)[-1].columns


# --------------------------------------------------------------------------- chart functions


def _points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": ["A", "B", "C", "D"],
            "staff_index": [60.0, 65.0, 70.0, 80.0],
            "patron_index": [80.0, 84.0, 83.0, 90.0],
            "n_staff": [10, 12, 9, 20],
            "n_patron": [100, 120, 90, 200],
        }
    )


def test_scatter_chart_with_band():
    from servicemirror.analysis.descriptive import ols_band

    points = _points()
    spec = charts.scatter_staff_patron(
        points, "x", "y", "lib", band=ols_band(points["staff_index"], points["patron_index"])
    ).to_dict()
    layers = spec["layer"]
    assert [layer["mark"]["type"] for layer in layers] == ["area", "line", "circle", "text"]
    assert layers[2]["mark"]["color"] in charts.OKABE_ITO
    assert layers[0]["encoding"]["y2"]["field"] == "ci_high"
    without = charts.scatter_staff_patron(points, "x", "y", "lib").to_dict()
    assert [layer["mark"]["type"] for layer in without["layer"]] == ["circle", "text"]


def test_localized_uses_decimal_comma_in_danish():
    chart = charts.scatter_staff_patron(_points(), "x", "y", "lib")
    assert charts.localized(chart, "da").to_dict()["config"]["locale"]["number"]["decimal"] == ","
    assert "locale" not in charts.localized(chart, "en").to_dict().get("config", {})


def test_small_multiples_facets_by_library():
    long = pd.DataFrame(
        {
            "label": ["A", "A", "B", "B"],
            "period": ["2023", "2024", "2023", "2024"],
            "measure": ["Staff", "Patron", "Staff", "Patron"],
            "value": [60.0, 80.0, 65.0, 82.0],
        }
    )
    spec = charts.small_multiples(long, "p", "v", "m", columns=4).to_dict()
    assert spec["facet"]["field"] == "label" and spec["columns"] == 4
    assert spec["spec"]["encoding"]["color"]["scale"]["range"] == charts.OKABE_ITO[:2]


def test_likert_bars_diverge_with_a_colour_blind_safe_scale():
    from servicemirror.analysis.descriptive import likert_layout

    counts = pd.DataFrame(
        {
            "item": ["q"] * 5,
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
            "n": [1, 1, 2, 3, 3],
            "scale_min": 1.0,
            "scale_max": 5.0,
        }
    )
    layout = likert_layout(counts)
    spec = charts.likert_bars(layout, "share", "answer").to_dict()
    assert spec["encoding"]["color"]["scale"]["range"] == charts.LIKERT[5]
    assert spec["encoding"]["x"]["field"] == "start" and spec["encoding"]["x2"]["field"] == "end"


def test_coverage_matrix_colours_each_status():
    cov = pd.DataFrame(
        {
            "label": ["A", "A", "B"],
            "period": ["2023", "2024", "2023"],
            "n": [10, np.nan, 0],
            "shown": ["10", "< 5", ""],
            "status": ["ok", "suppressed", "none"],
        }
    )
    statuses = {"ok": "OK", "aggregates": "Agg", "suppressed": "Hidden", "none": "None"}
    spec = charts.coverage_matrix(cov, "p", "l", "s", statuses).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["OK", "Agg", "Hidden", "None"]
    assert scale["range"] == list(charts.STATUS_COLOURS.values())


def test_heatmap_uses_viridis():
    frame = pd.DataFrame({"x": ["a", "b"], "y": ["A", "A"], "v": [10.0, 90.0], "t": ["10", "90"]})
    spec = charts.heatmap(frame, "x", "y", "v", "X", "Y", "V", text="t").to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["scheme"] == "viridis"
    assert spec["layer"][1]["encoding"]["text"]["field"] == "t"


def test_i18n_table_formats_per_language():
    frame = pd.DataFrame({"a": [1234.5, np.nan], "b": [0.25, 0.5], "c": ["x", "y"]})
    da = i18n.table(frame, "da", {"c": "C", "a": "A", "b": "B"}, digits={"a": 1}, percent=["b"])
    assert list(da.columns) == ["C", "A", "B"]
    assert da["A"].tolist() == ["1\u00a0234,5", "—"]
    assert da["B"].tolist() == ["25 %", "50 %"]
    en = i18n.table(frame, "en", {"a": "A"}, digits={"a": 1})
    assert en["A"].tolist() == ["1,234.5", "—"]
