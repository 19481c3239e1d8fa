"""AppTest of the Upload, Hypothesis and Report pages in both languages, and `servicemirror report`.

The pages run headless through dashboard/app.py's router on the demo database (or a private
copy where a test writes); the report is checked for being self-contained, for escaped free text
and for hiding every staff figure below k.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from servicemirror import queries
from servicemirror.app import hypothesis, report, uploading
from servicemirror.cli import main
from servicemirror.core import db
from servicemirror.dashboard import i18n
from servicemirror.etl import load
from servicemirror.privacy import publish

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
LANGS = ["da", "en"]


def run_page(monkeypatch, db_path: Path, page: str, lang: str) -> AppTest:
    """Run one page of the app in ``lang`` against ``db_path``."""
    monkeypatch.setenv("SERVICEMIRROR_DB", str(db_path))
    at = AppTest.from_file(str(APP), default_timeout=180)
    at.session_state["language"] = lang
    at.switch_page(f"views/{page}.py")
    return at.run()


def texts(at: AppTest) -> str:
    """Every markdown, caption, info and heading text of the run, joined."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += (
        [i.value for i in at.info] + [h.value for h in at.header] + [s.value for s in at.subheader]
    )
    return "\n".join(parts)


# --------------------------------------------------------------------------- Hypothesis


@pytest.mark.parametrize("lang", LANGS)
def test_hypothesis_page_shows_the_verdict_of_analyze(monkeypatch, demo_db, lang):
    at = run_page(monkeypatch, demo_db, "hypothesis", lang)
    assert not at.exception
    assert at.title[0].value == i18n.t("hyp_title", lang)
    result = hypothesis.analyze(demo_db)
    verdict = result["verdict"][lang]
    markdown = [m.value for m in at.markdown]
    # the answer first in two sentences, the rest of the paragraph further down, nothing lost
    first_two = next(m for m in markdown if verdict.startswith(m) and m)
    assert len(first_two) < len(verdict)
    assert verdict[len(first_two) :].strip() in markdown
    assert i18n.t("hyp_for_us", lang) in " ".join(markdown)
    all_text = texts(at)
    assert i18n.t("hyp_kind_" + result["verdict"]["kind"], lang) in all_text
    # two primary analyses and one secondary, sensitivity in its own section
    assert all_text.count(i18n.t("hyp_primary", lang)) == 2
    assert all_text.count(i18n.t("hyp_secondary", lang)) == 1
    assert i18n.t("hyp_sensitivity", lang) in all_text
    for key in ("hyp_wb_title", "hyp_lag_title", "hyp_power_title", "hyp_caveats"):
        assert i18n.t(key, lang) in all_text
    assert i18n.t("hyp_causation", lang) in all_text
    # within-vs-between, both directions over time, the power curve
    assert len(at.get("vega_lite_chart")) == 3
    expected_r = i18n.number(result["library_level"]["pearson_r"], lang, 2)
    assert expected_r in all_text


# --------------------------------------------------------------------------- Upload


@pytest.mark.parametrize("lang", LANGS)
def test_upload_page_lists_the_history(monkeypatch, demo_db, lang):
    at = run_page(monkeypatch, demo_db, "upload", lang)
    assert not at.exception
    assert at.title[0].value == i18n.t("upload_title", lang)
    assert i18n.t("upload_history", lang) in texts(at)
    table = at.dataframe[0].value
    assert len(table) == len(uploading.history(demo_db))
    assert i18n.t("col_file", lang) in table.columns
    newest = uploading.history(demo_db).iloc[0]
    assert at.selectbox[-1].value == newest["upload_id"]


def test_upload_page_undo_removes_the_upload(monkeypatch, demo_db_copy):
    at = run_page(monkeypatch, demo_db_copy, "upload", "en")
    # file names often name a library: an admin sees them with names switched on
    at.session_state["show_names"] = True
    at.run()
    newest = int(uploading.history(demo_db_copy).iloc[0]["upload_id"])
    row = uploading.history(demo_db_copy).iloc[0]
    at.selectbox[-1].set_value(newest)
    at.button[-1].click().run()
    # the first click only asks, naming the file and the responses it removes
    assert not at.exception
    question = at.warning[-1].value
    shown = i18n.number(row["rows_loaded"], "en", 0)
    assert row["file_name"] in question and shown in question
    assert uploading.history(demo_db_copy).iloc[0]["status"] == "active"
    yes = next(b for b in at.button if b.label == i18n.t("undo_yes", "en", name=row["file_name"]))
    yes.click().run()
    assert not at.exception
    done = i18n.t("undo_done", "en", id=newest, name=row["file_name"], n=shown)
    assert [s.value for s in at.success] == [done]
    history = uploading.history(demo_db_copy)
    assert history.loc[history["upload_id"] == newest, "status"].item() != "active"


def test_upload_undo_can_be_called_off(monkeypatch, demo_db_copy):
    at = run_page(monkeypatch, demo_db_copy, "upload", "da")
    before = uploading.history(demo_db_copy)
    at.button[-1].click().run()
    next(b for b in at.button if b.label == i18n.t("undo_no", "da")).click().run()
    assert not at.exception and not at.warning
    assert uploading.history(demo_db_copy).equals(before)


@pytest.mark.parametrize("lang", LANGS)
def test_upload_page_without_a_database(monkeypatch, tmp_path, lang):
    at = run_page(monkeypatch, tmp_path / "none.duckdb", "upload", lang)
    assert not at.exception
    assert [i.value for i in at.info] == [i18n.t("upload_history_empty", lang)]
    assert not (tmp_path / "none.duckdb").exists()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        (".bashrc", "bashrc"),
        ("", "upload"),
        ("Trivsel 2024 (Gentofte).csv", "Trivsel 2024 (Gentofte).csv"),
        ("<b>x</b>.csv", "b_.csv"),
    ],
)
def test_uploaded_file_names_never_become_paths(name, safe):
    assert uploading.safe_name(name) == safe
    with uploading.staged(name, b"x") as path:
        assert path.name == safe
        assert path.parent.name.startswith("servicemirror-upload-")
    assert not path.parent.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary\x00" * 50, b"a;b\n1;2\n", b"library,period\n"],
    ids=["empty", "binary", "not-a-survey", "header-only"],
)
def test_bad_uploads_are_refused_in_one_line_and_change_nothing(small_db, content):
    before = db.data_version(small_db)
    rows = len(uploading.history(small_db))
    for outcome in (
        uploading.preview(small_db, "bad.csv", content),
        uploading.commit(small_db, "bad.csv", content),
    ):
        assert outcome.status == "refused"
        assert outcome.message and "\n" not in outcome.message
        assert "Traceback" not in outcome.message
    assert db.data_version(small_db) == before
    assert len(uploading.history(small_db)) == rows


def test_preview_then_commit_loads_once(small_db, small_forum_files, tmp_path):
    frame = pd.read_csv(small_forum_files[0])
    frame["library"] = "Nyby"
    frame["respondent_id"] = "n-" + frame["respondent_id"].astype(str)
    content = frame.to_csv(index=False).encode()
    before = db.data_version(small_db)
    preview = uploading.preview(small_db, "nyby.csv", content)
    assert preview.status == "preview"
    assert list(preview.report["libraries"]) == ["Nyby"]
    assert db.data_version(small_db) == before
    loaded = uploading.commit(small_db, "nyby.csv", content)
    assert loaded.status == "loaded"
    assert uploading.history(small_db).iloc[0]["file_name"] == "nyby.csv"
    assert uploading.commit(small_db, "nyby.csv", content).status == "duplicate"


# --------------------------------------------------------------------------- Report


@pytest.mark.parametrize("lang", LANGS)
def test_report_page_offers_the_download(monkeypatch, demo_db, lang):
    at = run_page(monkeypatch, demo_db, "report", lang)
    assert not at.exception
    assert at.title[0].value == i18n.t("report_title", lang)
    buttons = at.get("download_button")
    assert len(buttons) == 1
    assert buttons[0].proto.label == i18n.t("report_download", lang)


EVIL = 'Evil <script>alert(1)</script> & "Co"'


@pytest.fixture
def evil_db(small_db, tmp_path) -> Path:
    """The small forum plus a consenting library whose name is hostile HTML."""
    load.register_libraries(small_db, pd.DataFrame({"library": [EVIL], "consent_named": [True]}))
    rows = []
    for period in ("2023", "2024"):
        for s in range(6):
            for w in range(1, 6):
                rows.append([EVIL, period, "staff", f"e{period}s{s}", f"core_w{w}", 3 + s % 3])
        for p in range(10):
            rows.append([EVIL, period, "patron", f"e{period}p{p}", "core_sat", 2 + p % 4])
    path = tmp_path / "evil.csv"
    pd.DataFrame(
        rows, columns=["library", "period", "respondent_type", "respondent_id", "item", "value"]
    ).to_csv(path, index=False)
    load.load_file(small_db, path)
    return small_db


def test_report_command_writes_a_self_contained_escaped_k_safe_file(evil_db, tmp_path):
    out = tmp_path / "out" / "report.html"
    assert main(["report", "--db", str(evil_db), "--out", str(out), "--lang", "en"]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and '<html lang="en">' in html
    # self-contained: no scripts, stylesheets, images or fonts fetched from anywhere
    assert "<script" not in html.lower()
    assert "<link" not in html.lower() and "src=" not in html.lower() and "@import" not in html
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == {"http://www.w3.org/2000/svg"}
    assert "<svg" in html
    # free text is escaped (the consenting library is named, so its name is in the file)
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;" in html
    # libraries without consent appear under pseudonyms only
    for name in ("Alfa", "Beta", "Zeta"):
        assert name not in html
    assert "Library A" in html


def test_report_hides_staff_figures_below_k(small_db):
    pub = publish.published(small_db)
    names = report.pseudonyms(pub.grid, "en", random.Random(3))
    html = report.build(pub, hypothesis.analyze(small_db), "en", rng=random.Random(3))
    # Zeta has 3 staff answers in 2023 (below k = 5): its row says hidden, its index is absent
    row = re.search(rf"<tr><td>{names['zeta']}</td><td>2023</td>.*?</tr>", html).group(0)
    assert "hidden (under 5)" in row
    with db.reading(small_db) as con:
        raw = queries.run(con, "cells")
    hidden = raw[
        (raw["library_key"] == "zeta")
        & (raw["period"] == "2023")
        & (raw["side"] == "staff")
        & (raw["measure"] == "wellbeing")
        & (raw["touchpoint"] == "")
    ]["mean"].item()
    assert i18n.number(hidden, "en", 1) not in row


@pytest.mark.parametrize("lang", LANGS)
def test_report_in_both_languages(small_db, lang):
    html = report.build(publish.published(small_db), hypothesis.analyze(small_db), lang)
    assert f'<html lang="{lang}">' in html
    assert i18n.t("report_title", lang) in html
    assert i18n.t("report_section_verdict", lang) in html
    assert hypothesis.analyze(small_db)["verdict"][lang].split(" (")[0][:40] in html


def test_report_command_without_database(tmp_path, capsys):
    assert (
        main(["report", "--db", str(tmp_path / "none.duckdb"), "--out", str(tmp_path / "r.html")])
        == 1
    )
    assert "no database here" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
