"""The dashboard as a Danish library manager meets it: the period a page opens on, after a
normal upload of one library for a new year (issue 18), and the pages and report staying
meaningful.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from test_dashboard_pages import chart_frames, page_text, published, run_page

from servicemirror import publish, report
from servicemirror.analysis import descriptive, periods
from servicemirror.dashboard import i18n
from servicemirror.etl import load


def write_one_library_new_year(folder: Path, library: str = "Alfa", period: str = "2025") -> Path:
    """40 patron answers (satisfaction, NPS) of one library for a new year, long format."""
    rng = np.random.default_rng(3)
    rows = []
    for p in range(40):
        rid = f"{library}-{period}-p{p}"
        rows.append([library, period, "patron", rid, "core_sat", int(rng.integers(2, 6)), "", ""])
        rows.append([library, period, "patron", rid, "core_nps", int(rng.integers(5, 11)), "", ""])
    frame = pd.DataFrame(
        rows,
        columns=[
            "library",
            "period",
            "respondent_type",
            "respondent_id",
            "item",
            "value",
            "branch",
            "comment",
        ],
    ).assign(construct="")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"new_year_{library}.csv"
    frame.to_csv(path, index=False)
    return path


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


# --------------------------------------------------------------------------- failure 1 of issue 18


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
    from servicemirror import uploading
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
