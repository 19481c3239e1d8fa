"""AppTest of the Comments page per role: the local admin (names off and on), a library's own
manager, another library's manager and the forum viewer. Counts and tone for everyone (groups of
at least k_comments), comment text only for the library's own manager.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import sent_text, write_long
from streamlit.testing.v1 import AppTest

from servicemirror.dashboard import i18n
from servicemirror.etl import load
from servicemirror.privacy import access

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
TEXTS = {
    "Alfa": ["Appen virker ikke.", "Personalet er altid søde.", "Åbningstiderne er for korte."],
    "Beta": ["Bogen Kommer er en gave.", "Der er for meget larm i læsesalen."],
    "Gamma": ["Godt udvalg af krimier.", "Personalet var ikke venligt."],
}


@pytest.fixture(scope="module")
def comments_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("comments_page")
    rows = []
    for lib, texts in TEXTS.items():
        for period in ("2023", "2024"):
            for i in range(12):
                rid = f"{lib}-{period}-p{i}"
                rows.append([lib, period, "patron", rid, "core_sat", 3 + i % 3, ""])
                if i < len(texts):
                    rows.append([lib, period, "patron", rid, "comment", "", texts[i]])
    path = write_long(folder / "patrons.csv", rows, ["comment"])
    db_path = folder / "c.duckdb"
    load.load_file(db_path, path, loaded_by="test")
    return db_path


def run(monkeypatch, db_path, user=None, names=False, lang="da", **params) -> AppTest:
    monkeypatch.setenv("SERVICEMIRROR_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = lang
    for key, value in params.items():
        at.query_params[key] = value
    if user is not None:
        at.user = {"is_logged_in": True, "email": user, "name": user.split("@")[0]}
    at.session_state["show_names"] = names
    at.run()
    at.switch_page("views/comments.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def shown(at: AppTest) -> str:
    """What the page sent to the browser, and its tables as CSV."""
    return sent_text(at) + "\n".join(d.value.to_csv() for d in at.dataframe)


def all_texts() -> list[str]:
    return [t for texts in TEXTS.values() for t in texts]


def test_local_admin_with_names_sees_themes_tone_and_own_text(comments_db, monkeypatch):
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    at = run(monkeypatch, comments_db, names=True, library="alfa", period="2024")
    assert at.title[0].value == i18n.t("comments_title", "da")
    page = shown(at)
    assert "Appen virker ikke." in page and "Bogen Kommer er en gave." not in page
    table = at.dataframe[0].value
    theme_col = i18n.t("comments_theme", "da")
    assert set(table[theme_col]) == {
        i18n.t("theme_digital", "da"),
        i18n.t("theme_staff", "da"),
        i18n.t("theme_opening_hours", "da"),
    }
    # a tone is a share with an interval, never a decimal score
    assert all("%" in v for v in table[i18n.t("tone_positive", "da")])
    assert at.get("vega_lite_chart")  # themes by tone with the forum's spread


def test_theme_filter_shows_the_trend_and_only_that_themes_examples(comments_db, monkeypatch):
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    at = run(monkeypatch, comments_db, names=True, lang="en", library="alfa", theme="digital")
    assert len(at.get("vega_lite_chart")) == 2  # themes chart + the theme's trend
    examples = at.dataframe[-1].value
    assert list(examples["Comment"]) == ["Appen virker ikke."]


def test_local_admin_without_names_sees_counts_but_no_text(comments_db, monkeypatch):
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    at = run(monkeypatch, comments_db, names=False)
    page = shown(at)
    assert not any(text in page for text in all_texts())
    assert i18n.t("comments_manager_only", "da") in [c.value for c in at.caption]
    assert at.get("vega_lite_chart")


def test_manager_reads_own_library_text_only(comments_db, user_file, monkeypatch):
    at = run(monkeypatch, comments_db, user="anna@alfa.dk", lang="en")
    assert at.selectbox[0].format_func(at.selectbox[0].value) == "Alfa"
    assert "Appen virker ikke." in shown(at)
    assert at.selectbox[0].options[1].startswith("Library ")
    at.selectbox[0].select_index(1).run()
    assert at.selectbox[0].format_func(at.selectbox[0].value).startswith("Library ")
    page = shown(at)
    assert not any(text in page for text in TEXTS["Beta"] + TEXTS["Gamma"])
    assert "Beta" not in page and "Gamma" not in page
    assert i18n.t("comments_manager_only", "en") in [c.value for c in at.caption]


def test_forum_viewer_sees_counts_and_tone_never_text(comments_db, user_file, monkeypatch):
    at = run(monkeypatch, comments_db, user="forum@forum.dk", lang="en")
    page = shown(at)
    assert not any(text in page for text in all_texts())
    assert not any(name in page for name in TEXTS)  # pseudonyms only
    assert at.dataframe and at.get("vega_lite_chart")


def test_groups_below_k_comments_show_no_figures(comments_db, monkeypatch, tmp_path):
    import shutil

    copy = tmp_path / "c.duckdb"
    shutil.copy(comments_db, copy)
    load.set_setting(copy, "k_comments", "13")  # every group has 12 patrons
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    at = run(monkeypatch, copy, names=True, library="alfa")
    assert not at.dataframe and not at.get("vega_lite_chart")
    assert "Appen virker ikke." not in shown(at)


def test_themes_chart_sorts_by_frequency_and_draws_the_spread():
    import pandas as pd

    from servicemirror.dashboard import charts_comments

    bars = pd.DataFrame(
        {
            "label": ["A", "A", "B", "B"],
            "tone": ["pos", "neg", "pos", "neg"],
            "tone_rank": [0, 2, 0, 2],
            "share": [0.1, 0.05, 0.3, 0.1],
            "order": [0.15, 0.15, 0.4, 0.4],
        }
    )
    spread = pd.DataFrame(
        {
            "label": ["A", "B"],
            "share_median": [0.2, 0.3],
            "share_low": [0.1, 0.2],
            "share_high": [0.3, 0.5],
        }
    )
    spec = charts_comments.themes_by_tone(bars, spread, "share", "tone", "theme", ["pos", "neg"])
    spec = spec.to_dict()
    assert spec["layer"][1]["encoding"]["y"]["sort"] == ["B", "A"]
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rule", "bar", "tick"]


def test_forum_installation_shows_the_packages_counts(comments_db, monkeypatch, tmp_path):
    from servicemirror.app import forum

    forum_db = tmp_path / "forum.duckdb"
    for library in ("alfa", "beta", "gamma"):
        out = tmp_path / f"{library}.zip"
        forum.build_package(comments_db, out, library=library)
        load.load_file(forum_db, out, loaded_by="test")
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    at = run(monkeypatch, forum_db, names=True, lang="en", library="alfa", period="2024")
    table = at.dataframe[0].value
    assert set(table["Theme"]) == {
        i18n.t("theme_digital", "en"),
        i18n.t("theme_staff", "en"),
        i18n.t("theme_opening_hours", "en"),
    }
    assert at.get("vega_lite_chart")
    # the forum holds no text at all: nothing to show under the examples
    assert not any(text in shown(at) for text in all_texts())
    assert i18n.t("comments_none", "en") in [c.value for c in at.caption] or any(
        i18n.t("comments_below", "en", n=0, k=10) == c.value for c in at.caption
    )


def test_the_access_layer_decides_who_reads_comment_text(comments_db):
    """The role rule lives in the one layer (``Service``), not in the dashboard: the page's
    data functions only pass the viewer on."""
    from servicemirror import service

    def svc(role: str, library: str | None = None) -> service.Service:
        return service.Service(comments_db, access.Principal(role, role, library))

    found, n_group, k = svc("manager", "alfa").comment_examples("alfa", "2024")
    assert set(found["text"]) == set(TEXTS["Alfa"]) and n_group == 12 and k <= 12
    assert svc("manager", "alfa").comment_examples("beta", "2024") == (None, 0, k)
    assert svc("forum").comment_examples("alfa", "2024") == (None, 0, k)
    assert svc("admin").comment_examples("alfa", "2024", show_names=False) == (None, 0, k)
    assert svc("admin").comment_examples("alfa", "2024", show_names=True)[0] is not None
    for viewer, library in ((svc("forum"), "alfa"), (svc("manager", "alfa"), "beta")):
        assert viewer.staff_comment_counts(library).empty
