"""The dashboard as a Danish library manager meets it: the period a page opens on, after a
normal upload of one library for a new year, and the pages and report staying
meaningful.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from conftest import dict_nodes, write_long
from test_dashboard_pages import chart_frames, page_text, published, run_page

from servicemirror.analysis import descriptive, periods
from servicemirror.app import report
from servicemirror.core import labels, layout
from servicemirror.dashboard import charts, i18n
from servicemirror.etl import load
from servicemirror.privacy import publish


def write_one_library_new_year(folder: Path, library: str = "Alfa", period: str = "2025") -> Path:
    """40 patron answers (satisfaction, NPS) of one library for a new year, long format."""
    rng = np.random.default_rng(3)
    rows = []
    for p in range(40):
        rid = f"{library}-{period}-p{p}"
        rows.append([library, period, "patron", rid, "core_sat", int(rng.integers(2, 6)), "", ""])
        rows.append([library, period, "patron", rid, "core_nps", int(rng.integers(5, 11)), "", ""])
    return write_long(folder / f"new_year_{library}.csv", rows, ["branch", "comment"])


@pytest.fixture
def new_year_db(small_db, tmp_path) -> Path:
    """The small forum (6 libraries, 2023-2024) plus 40 patron answers of Alfa for 2025."""
    load.load_file(small_db, write_one_library_new_year(tmp_path / "new"), loaded_by="test")
    return small_db


# --------------------------------------------------------------------------- the rule itself


def test_default_period_is_the_newest_with_four_libraries_on_both_sides():
    summary = pd.DataFrame(
        {
            "library_key": ["a", "b", "c", "d", "a", "b", "c", "d", "e", "a"],
            "period": ["2023"] * 4 + ["2024"] * 5 + ["2025"],
            # 2024: d has no staff figure (hidden), so 4 of 5 have both sides; 2025: one library
            "staff_index": [50, 60, 70, 80, 50, 60, 70, np.nan, 65, np.nan],
            "patron_index": [70, 71, 72, 73, 70, 71, 72, 73, 74, 75],
        }
    )
    cov = periods.coverage(summary).set_index("period")
    assert cov.loc["2024"].to_dict() == {
        "n_both": 4,
        "n_staff_only": 0,
        "n_patron_only": 1,
        "n_any": 5,
    }
    choice = periods.default_period(summary)
    assert choice == {"period": "2024", "n_both": 4, "reason": "enough", "newer": ["2025"]}
    # limited to one library's periods: still the newest that qualifies
    assert periods.default_period(summary, among=["2023", "2025"])["period"] == "2023"
    # none qualifies: the one with most libraries on both sides, newest among equals
    thin = summary[summary["library_key"].isin(["a", "b"])]
    assert periods.default_period(thin) == {
        "period": "2024",
        "n_both": 2,
        "reason": "most",
        "newer": ["2025"],
    }
    assert periods.default_period(summary.iloc[0:0])["reason"] == "none"


def test_forum_band_needs_three_libraries():
    frame = pd.DataFrame({"period": ["x", "x", "y", "y", "y"], "value": [1.0, 9.0, 1.0, 2.0, 9.0]})
    band = descriptive.forum_band(frame, ["period"]).set_index("period")
    assert np.isnan(band.loc["x", "median"]) and np.isnan(band.loc["x", "q1"])
    assert band.loc["x", "n_libraries"] == 2
    assert band.loc["y", "median"] == 2.0


# --------------------------------------------------------------------------- failure 1


def test_overview_stays_on_the_last_comparable_year_after_a_new_year_upload(
    new_year_db, monkeypatch
):
    at = run_page("overview", monkeypatch, new_year_db)
    assert at.selectbox[0].value == "2024"
    assert at.query_params["period"] == "2024"
    expected = i18n.t("period_default_enough", "da", period="2024", k=4, n=6)
    text = page_text(at)
    assert expected in text and "2025" in text  # it says the newer year is too thin
    scatter = next(f for f in chart_frames(at) if "staff_index" in f.columns)
    assert len(scatter) == 6
    assert i18n.t("no_pairs", "da") not in text


def test_a_period_with_one_library_says_so_in_words(new_year_db, monkeypatch):
    at = run_page("overview", monkeypatch, new_year_db, period="2025")
    assert [w.value for w in at.warning] == [i18n.t("period_one_library", "da", period="2025")]


def test_library_page_opens_on_a_comparable_year_and_no_forum_median_of_one(
    new_year_db, monkeypatch
):
    at = run_page("library", monkeypatch, new_year_db, names=True, library="alfa")
    assert at.selectbox[1].value == "2024"
    # the forum band of 2025 (one library) carries no median: the chart gets no value for it
    at = run_page("library", monkeypatch, new_year_db, names=True, library="alfa", period="2025")
    bands = [f for f in chart_frames(at) if {"median", "period"} <= set(f.columns)]
    assert any((f["period"] == "2025").any() for f in bands)  # the patron chart
    for frame in bands:
        assert frame.loc[frame["period"] == "2025", "median"].isna().all()
        assert frame.loc[frame["period"] == "2024", "median"].notna().all()


def test_report_uses_the_comparable_year_and_no_median_of_one_library(new_year_db):
    pub = published(new_year_db)
    html = report.build(pub, None, "da")
    assert report.labels.t("report_section_scatter", "da", period="2024") in html
    assert "2025" not in html.split("<h2>")[2]  # the scatter section is about 2024
    summary = publish.summary(pub)
    alfa_2025 = summary.loc[summary["period"] == "2025", "patron_index"].iloc[0]
    trend_table = html.split(report.labels.t("report_forum_median", "da"))[-1]
    assert i18n.number(alfa_2025, "da") not in trend_table.split("</table>")[0]


# --------------------------------------------------------------------------- the Library verdict


def test_library_page_gives_a_plain_verdict_with_the_comparison_period(small_db, monkeypatch):
    at = run_page("library", monkeypatch, small_db, names=True, library="alfa", period="2024")
    assert at.header[0].value == i18n.t("library_verdict", "da", period="2024")
    lines = [m.value for m in at.markdown if "2023" in m.value]
    words = [i18n.t(f"verdict_{v}", "da") for v in ("improved", "declined", "uncertain")]
    patron = next(x for x in lines if i18n.t("measure_patron", "da") in x)
    assert any(w in patron for w in words) and "95 %-interval" in patron
    # the cards say what they compare with, and grey out a change that may be chance
    cards = {m.label: m for m in at.metric}
    card = cards[i18n.t("measure_patron", "da")]
    assert "siden 2023" in str(card.proto.delta)
    grey = 2  # Metric.MetricColor.GRAY
    assert (card.proto.color == grey) == (i18n.t("verdict_uncertain", "da") in patron)


# --------------------------------------------------------------------------- Upload


def test_upload_preview_says_in_words_what_it_found(small_db, tmp_path):
    from servicemirror.app import uploading
    from servicemirror.dashboard import i18n as texts

    path = write_one_library_new_year(tmp_path / "p")
    report = uploading.preview(small_db, path.name, path.read_bytes()).report
    assert report["periods"] == {"2025": 40} and report["libraries"] == {"Alfa": 40}
    sentence = texts.preview_sentence(report, "da")
    assert sentence == (
        "Filen indeholder **40 borgerbesvarelser** fra **Alfa (40)** i perioden **2025 (40)**: "
        "2 spørgsmål (NPS (borgere), Tilfredshed) og 0 kommentarer. "
        "Genkendt som: Skabelon, ét svar pr. række."
    )


def test_upload_flow_in_danish_from_preview_to_undo(small_db, tmp_path, monkeypatch):
    """Through the page: the preview in words, a success that links to the
    result in the period the answers landed in, and an undo that first asks, naming the file and
    as many answers as the database holds for it (counted here from the responses table)."""
    from servicemirror.app import uploading
    from servicemirror.core import db

    path = write_one_library_new_year(tmp_path / "u")
    content = path.read_bytes()
    at = run_page("upload", monkeypatch, small_db, names=True)
    at.get("file_uploader")[0].set_value((path.name, content, "text/csv"))
    at.run()
    assert not at.exception and not at.error
    expected = i18n.preview_sentence(uploading.preview(small_db, path.name, content).report, "da")
    assert expected in [m.value for m in at.markdown]
    assert "**Alfa (40)**" in expected and "**2025 (40)**" in expected
    next(b for b in at.button if b.label == i18n.t("upload_confirm", "da", n=1)).click().run()
    assert not at.exception
    upload_id = int(uploading.history(small_db).iloc[0]["upload_id"])
    with db.reading(small_db) as con:
        answers = con.execute(
            "select count(*) from responses where upload_id = ?", [upload_id]
        ).fetchone()[0]
    assert answers == 40
    loaded = i18n.t("upload_loaded", "da", name=path.name, id=upload_id, n="40")
    assert [s.value for s in at.success] == [loaded]
    links = {link.proto.label: link.proto.page for link in at.get("page_link")}
    assert links == {
        i18n.t("upload_see_result", "da", period="2025"): "",  # the default page, Overview
        i18n.t("upload_see_library", "da", period="2025"): "library",
    }
    assert all("period=2025" in link.proto.query_string for link in at.get("page_link"))
    # undo: the first click asks, naming the file, what it removes and how many answers
    at.selectbox[-1].set_value(upload_id)
    next(b for b in at.button if b.label == i18n.t("undo_button", "da")).click().run()
    question = at.warning[-1].value
    assert f"«{path.name}»" in question and f"{answers} borgerbesvarelser" in question
    assert uploading.history(small_db).iloc[0]["status"] == "active"  # nothing removed yet
    yes = i18n.t("undo_yes", "da", name=path.name)
    next(b for b in at.button if b.label == yes).click().run()
    assert not at.exception
    done = i18n.t("undo_done", "da", id=upload_id, name=path.name, n=str(answers))
    assert [s.value for s in at.success] == [done]
    assert "2025" not in set(published(small_db).cells["period"])


# --------------------------------------------------------------------------- charts


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour."""
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str = "#FFFFFF") -> float:
    """WCAG contrast ratio of two colours."""
    hi, lo = sorted([_luminance(a), _luminance(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_contrast_formula_matches_published_values():
    # WCAG's own examples: black on white 21:1; #767676 is the lightest grey at 4.5:1 on white
    assert contrast("#000000") == pytest.approx(21.0)
    assert contrast("#767676") == pytest.approx(4.54, abs=0.01)
    assert contrast("#888888") < 4.5  # Vega's default axis label grey fails


@pytest.mark.parametrize("lang", ["da", "en"])
def test_axis_and_legend_text_reach_4_5_to_1_in_every_chart_config(lang):
    points = pd.DataFrame(
        {"label": ["A", "B"], "staff_index": [50.0, 60.0], "patron_index": [70.0, 72.0]}
    )
    config = charts.localized(charts.scatter_staff_patron(points, "x", "y", "lib"), lang).to_dict()[
        "config"
    ]
    colours = [
        config["axis"]["labelColor"],
        config["axis"]["titleColor"],
        config["legend"]["labelColor"],
        config["legend"]["titleColor"],
        config["title"]["color"],
    ]
    assert all(contrast(c) >= 4.5 for c in colours), colours


def test_scatter_names_never_overlap_on_the_demo(demo_db):
    pub = published(demo_db)
    summary = publish.summary(pub).dropna(subset=["staff_index", "patron_index"])
    for _, points in summary.groupby("period"):
        points = points.assign(
            label=points["display_name"] if "display_name" in points else points["library"]
        )
        spots = charts.label_spots(points)
        boxes = []
        sx = charts.SCATTER_WIDTH / np.ptp(charts._domain(points["staff_index"]))
        sy = charts.SCATTER_HEIGHT / np.ptp(charts._domain(points["patron_index"]))
        for r in spots.dropna(subset=["side"]).itertuples():
            w = layout.CHAR_WIDTH * len(r.label)
            x0 = r.label_x * sx if r.side == "right" else r.label_x * sx - w
            y = -r.label_y * sy
            boxes.append((x0, y - layout.LINE_HEIGHT / 2, x0 + w, y + layout.LINE_HEIGHT / 2))
        assert len(boxes) >= len(points) - 2  # nearly every name finds a place
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not layout.boxes_overlap(
                    (a[0] + 0.01, a[1] + 0.01, a[2] - 0.01, a[3] - 0.01), b
                )


def test_place_labels_moves_a_name_that_would_overlap():
    spots = layout.place_labels([100, 100], [100, 102], ["Bibliotek A", "Bibliotek B"], 400, 300)
    assert spots[0] is not None and spots[1] is not None and spots[0] != spots[1]


def test_answer_bars_use_words_and_a_colour_fixed_per_answer():
    from servicemirror.analysis.descriptive import likert_layout

    # only answers 4 and 5 present: they keep the colours of 4 and 5 on a 5-point scale
    counts = pd.DataFrame(
        {"item": ["q", "q"], "value": [4.0, 5.0], "n": [3, 7], "scale_min": 1.0, "scale_max": 5.0}
    )
    layout_ = likert_layout(counts).assign(steps=5)
    layout_["answer"] = [labels.answer_words(5, "da")[lv] for lv in layout_["level"]]
    spec = charts.likert_bars(layout_, "andel", "svar").to_dict()
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Enig", "Meget enig"]
    assert scale["range"] == labels.answer_colours(5)[3:]


def test_library_page_shows_answer_words(small_db, monkeypatch):
    at = run_page("library", monkeypatch, small_db, names=True, library="alfa", period="2024")
    words = set(labels.answer_words(5, "da"))
    shown = set()
    for frame in chart_frames(at):
        if "answer" in frame.columns:
            shown |= set(frame["answer"])
    assert shown and shown <= words


def test_one_colour_per_service_in_both_languages():
    scale = charts.service_scale().to_dict()
    colour = dict(zip(scale["domain"], scale["range"], strict=True))
    for code, entry in labels.TOUCHPOINTS.items():
        assert colour[entry["da"]] == colour[entry["en"]] == labels.touchpoint_colour(code)
    assert len(set(labels.touchpoint_colour(c) for c in labels.TOUCHPOINTS)) == len(
        labels.TOUCHPOINTS
    )


def _touchpoint_colour_scales(spec) -> list[dict[str, str]]:
    """Every colour scale in a chart spec that colours by the touchpoint field."""
    found = []
    for node in dict_nodes(spec):
        colour = node.get("color")
        if isinstance(colour, dict) and colour.get("field") == "touchpoint":
            scale = colour.get("scale") or {}
            found.append(dict(zip(scale["domain"], scale["range"], strict=True)))
    return found


@pytest.mark.parametrize("lang", ["da", "en"])
def test_library_page_draws_each_service_in_its_one_colour(lang, demo_db, monkeypatch):
    """The page's own touchpoint chart, not only the scale function: every service it draws
    gets the label table's colour for its code, whatever the language."""
    import json

    at = run_page("library", monkeypatch, demo_db, lang=lang, names=True)
    code_of = {entry[lang]: code for code, entry in labels.TOUCHPOINTS.items()}
    checked = 0
    for chart in at.get("vega_lite_chart"):
        scales = _touchpoint_colour_scales(json.loads(chart.proto.spec))
        if not scales:
            continue
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            if "touchpoint" not in frame.columns:
                continue
            for name in frame["touchpoint"].dropna().unique():
                for scale in scales:
                    assert scale[name] == labels.touchpoint_colour(code_of[name]), name
                    checked += 1
    assert checked >= 2


def test_services_heatmap_marks_cells_on_few_answers(demo_db, monkeypatch):
    at = run_page("services", monkeypatch, demo_db)
    heat = next(f for f in chart_frames(at) if {"text", "n"} <= set(f.columns))
    low = heat["n"] < 30
    assert heat.loc[low, "text"].str.endswith("*").all()
    assert not heat.loc[~low, "text"].str.endswith("*").any()
    if low.any():
        assert i18n.t("low_n_note", "da", n=30) in page_text(at)


def test_small_multiples_key_sits_above_the_panels():
    long = pd.DataFrame(
        {"label": ["A"] * 2, "period": ["2023", "2024"], "measure": ["m", "m"], "value": [1, 2]}
    )
    spec = charts.small_multiples(long, "p", "v", "m").to_dict()
    assert spec["spec"]["encoding"]["color"]["legend"]["orient"] == "top"
    # four panels a row fit a 1,280-pixel screen beside the sidebar
    assert spec["columns"] * spec["spec"]["width"] <= 720


def test_projects_chart_one_row_per_project_coloured_by_what_data_can_say(demo_db, monkeypatch):
    at = run_page("projects", monkeypatch, demo_db)
    frames = [f for f in chart_frames(at) if "verdict" in f.columns]
    assert frames
    chart = frames[0]
    table = at.dataframe[0].value
    assert len(chart) == len(table) and chart["row"].is_unique
    for r in chart.itertuples():
        if r.effect == r.effect and r.effect is not None:
            expected = "improved" if r.ci_low > 0 else "declined" if r.ci_high < 0 else "uncertain"
            assert r.verdict == expected
    assert "p" not in table.columns


def test_report_scatter_names_do_not_overlap(demo_db):
    import re

    pub = published(demo_db)
    html = report.build(pub, None, "da")
    svg = html[html.index('<svg viewBox="0 0 640') : html.index("</svg>")]
    boxes = []
    for x, y, anchor, name in re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(start|end)">([^<]+)</text>', svg
    ):
        if name.replace(",", "").isdigit():
            continue  # an axis tick
        w = layout.CHAR_WIDTH * len(name)
        x0 = float(x) if anchor == "start" else float(x) - w
        yc = float(y) - 4
        boxes.append((x0, yc - 6.4, x0 + w, yc + 6.4))
    summary = publish.summary(pub).dropna(subset=["staff_index", "patron_index"])
    shown = summary[summary["period"] == periods.default_period(summary)["period"]]
    assert len(boxes) >= len(shown) - 2
    for i, a in enumerate(boxes):
        assert not any(layout.boxes_overlap(a, b) for b in boxes[i + 1 :])
