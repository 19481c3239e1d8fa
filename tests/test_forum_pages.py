"""The Overview, Hypothesis and Report pages on a forum installation, and its kiosk days.

A light federation: five demo libraries (two that consented to be named, three that did not) each
get their own installation, export a forum package, and the forum installation loads the five
packages and nothing else. The pages must show content there, name the consenting libraries and
show the others only under pseudonyms. The daily kiosk view (queries/kiosk_daily.sql) must count
the package days on the forum installation, and never count a day twice when the same library's
local kiosk counts are loaded as well.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from test_dashboard_pages import page_text, run_page

from servicemirror import queries
from servicemirror.core import db
from servicemirror.dashboard import i18n
from servicemirror.etl import load

NAMED = ("gentofte", "mariagerfjord")  # consent_named in the demo (data/demo/README.md)
HIDDEN = ("hoeje-taastrup", "lyngby-taarbaek", "vejle")
KIOSK = ("gentofte", "mariagerfjord", "hoeje-taastrup")  # demo.KIOSK_TERMINALS


@pytest.fixture(scope="module")
def forum_install(tmp_path_factory, federation) -> dict:
    """Five of the federation's library installations and a forum installation of their packages."""
    root = tmp_path_factory.mktemp("forum_pages")
    forum_db = root / "forum.duckdb"
    keys = (*NAMED, *HIDDEN)
    for key in keys:
        report = load.load_file(forum_db, federation["packages"][key], loaded_by="test")
        assert report.status == "loaded", report.message
    files = federation["files"]
    display = dict(zip(files.libraries["library"], files.libraries["display_name"], strict=True))
    return {
        "root": root,
        "files": files,
        "forum": forum_db,
        "installations": {key: federation["installations"][key] for key in keys},
        "display": display,
    }


def _assert_names(text: str, display: dict[str, str]) -> None:
    """Consenting libraries by name, the others never by name."""
    for key in NAMED:
        assert display[key] in text, f"{display[key]} consented and should be named"
    for key in HIDDEN:
        assert display[key] not in text, f"{display[key]} did not consent but is named"


def test_the_forum_installation_holds_only_packages(forum_install):
    with db.reading(forum_install["forum"]) as con:
        assert int(con.execute("select count(*) from responses").fetchone()[0]) == 0
        received = queries.run(con, "forum_packages_list")
    assert set(received["library_key"]) == {*NAMED, *HIDDEN}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_overview_on_a_forum_installation(forum_install, monkeypatch, lang):
    at = run_page("overview", monkeypatch, forum_install["forum"], lang=lang)
    text = page_text(at)
    assert at.title[0].value == i18n.t("overview_title", lang)
    assert at.get("vega_lite_chart"), "no chart on the Overview"
    assert i18n.t("empty_state", lang) not in text
    _assert_names(text, forum_install["display"])
    # the three hidden libraries appear under pseudonyms instead
    pseudonym = i18n.t("pseudonym", lang, letter="")
    assert text.count(pseudonym) >= len(HIDDEN)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_hypothesis_on_a_forum_installation(forum_install, monkeypatch, lang):
    at = run_page("hypothesis", monkeypatch, forum_install["forum"], lang=lang)
    text = page_text(at)
    assert at.title[0].value == i18n.t("hyp_title", lang)
    assert i18n.t("empty_state", lang) not in text
    assert at.get("vega_lite_chart"), "no chart on the Hypothesis page"
    assert i18n.t("hyp_verdict", lang) in [h.value for h in at.subheader]
    assert not at.error, [e.value for e in at.error]  # the battery ran on the packages
    # the page names libraries only where one is singled out; a hidden one never by name
    for key in HIDDEN:
        assert forum_install["display"][key] not in text


def test_report_page_on_a_forum_installation(forum_install, monkeypatch):
    at = run_page("report", monkeypatch, forum_install["forum"], lang="en")
    text = page_text(at)
    assert at.title[0].value == i18n.t("report_title", "en")
    assert i18n.t("empty_state", "en") not in text
    assert not at.warning, [w.value for w in at.warning]  # the statistics ran


@pytest.mark.parametrize("lang", ["da", "en"])
def test_report_cli_on_a_forum_installation(forum_install, lang):
    out = forum_install["root"] / f"report-{lang}.html"
    done = subprocess.run(
        [sys.executable, "-m", "servicemirror.cli", "report", "--db", str(forum_install["forum"])]
        + ["--out", str(out), "--lang", lang],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html  # the charts are in the report
    _assert_names(html, forum_install["display"])
    assert i18n.t("pseudonym", lang, letter="") in html


def _kiosk_totals(path: Path) -> pd.DataFrame:
    """kiosk_daily summed per library, date and source."""
    with db.reading(path) as con:
        daily = queries.run(con, "kiosk_daily")
    return daily.groupby(["library_key", "date", "source"], as_index=False)["n"].sum()


def test_kiosk_days_from_packages_count_once(forum_install, tmp_path):
    """The forum's daily kiosk view holds every package day, equal to the library's own counts;
    loading the same library's local kiosk file on top replaces its package days, never adds."""
    on_forum = _kiosk_totals(forum_install["forum"])
    assert set(on_forum["library_key"]) == set(KIOSK)
    assert set(on_forum["source"]) == {"package"}
    for key in KIOSK:
        own = _kiosk_totals(forum_install["installations"][key])
        mine = on_forum[on_forum["library_key"] == key]
        assert len(mine) == len(own) > 0
        assert int(mine["n"].sum()) == int(own["n"].sum())
        merged = own.merge(mine, on="date", suffixes=("_own", "_forum"))
        assert (merged["n_own"] == merged["n_forum"]).all()

    # a forum installation that also loads Gentofte's own kiosk export: local days win
    mixed = tmp_path / "mixed.duckdb"
    for item in forum_install["forum"].parent.iterdir():
        if item.name.startswith("forum.duckdb"):
            (tmp_path / item.name.replace("forum", "mixed")).write_bytes(item.read_bytes())
    kiosk_file = next(
        p
        for p in forum_install["files"].paths
        if p.name.startswith("gentofte-") and p.parent.name == "kiosk"
    )
    load.load_file(mixed, kiosk_file, loaded_by="test")
    after = _kiosk_totals(mixed)
    gentofte = after[after["library_key"] == "gentofte"]
    assert set(gentofte["source"]) == {"kiosk"}
    assert gentofte.groupby("date").size().max() == 1  # one source per day: no double count
    own = _kiosk_totals(forum_install["installations"]["gentofte"])
    assert int(gentofte["n"].sum()) == int(own["n"].sum())
    others = after[after["library_key"] != "gentofte"]
    assert set(others["source"]) == {"package"}
    assert int(others["n"].sum()) == int(on_forum[on_forum["library_key"] != "gentofte"]["n"].sum())
