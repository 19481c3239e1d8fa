"""Every page in Danish, with no code or English word on it.

The forbidden words come from the one label table itself (``servicemirror.core.labels``): every code
whose name differs from the code (``counter``, ``generic_kiosk``, ``active``, ``age_band`` ...)
and every English name that differs from the Danish one, plus the raw column names and null
values a table shows when a header or a value was not translated. What is scanned is what a
reader sees: headings, text, captions, metrics, options of pickers, button and expander labels,
table headers and cells, chart titles and the values charts show in axes, legends and tooltips.
"""

from __future__ import annotations

import json
import re

import pyarrow as pa
import pytest
from conftest import dict_nodes
from streamlit.testing.v1 import AppTest
from test_browser import app_pages
from test_dashboard_pages import run_page
from test_manager_pages import contrast

from servicemirror.core import labels

# every page of app.py's menu but the admin's audit page (tested on its own below)
PAGES = [name for name, _ in app_pages() if name != "audit"]
# raw column names and values that show up when a table or chart is not translated
RAW = {"estimate", "ci_low", "ci_high", "p_adjusted", "touchpoint", "None", "nan", "NaN", "naive"}
RAW |= {"attenuated", "rows_removed", "file_name", "status", "format", "encoding", "period"}


# English names that are Danish words too ("Service med et smil" is a Danish project title)
DANISH_TOO = {"Service"}


def forbidden() -> set[str]:
    """Codes and English names from the label table that must never reach a Danish page."""
    words = set(labels.codes()) | RAW
    for table in labels.TABLES.values():
        for entry in table.values():
            if entry["en"] != entry["da"]:
                words.add(entry["en"])
    return words - DANISH_TOO


def _walk(node, out: list, key: str | None = None):
    if isinstance(node, dict):
        for k, v in node.items():
            _walk(v, out, k)
    elif isinstance(node, list):
        for v in node:
            _walk(v, out, key)
    elif key == "title" and isinstance(node, str):
        out.append(node)


def _shown_fields(spec: dict) -> set[str]:
    """Fields a chart puts on screen as words: nominal/ordinal encodings and tooltips."""
    fields: set[str] = set()
    for node in dict_nodes(spec):
        enc = node.get("encoding")
        if not isinstance(enc, dict):
            continue
        for channel, value in enc.items():
            for item in value if isinstance(value, list) else [value]:
                if not isinstance(item, dict) or "field" not in item:
                    continue
                if channel in ("tooltip", "text") or item.get("type") in ("nominal", "ordinal"):
                    fields.add(str(item["field"]))
    return fields


def text_colours(spec) -> list[str]:
    """Every colour a chart gives to text: label, title and text colours anywhere in its spec
    (its config and any mark or axis that sets its own)."""
    return [
        value
        for node in dict_nodes(spec)
        for key, value in node.items()
        if (key in ("labelColor", "titleColor") or (key == "color" and "fontSize" in node))
        and isinstance(value, str)
        and value.startswith("#")
    ]


def visible_text(at: AppTest, charts: bool = True) -> list[str]:
    """What a reader of the page sees, one string per element (see the module docstring);
    without ``charts`` the values inside charts are left out (Vega formats those itself)."""
    parts = [
        e.value
        for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning")
        for e in getattr(at, kind)
    ]
    parts += [e.value for e in at.error] + [e.value for e in at.success]
    parts += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    for kind in ("selectbox", "radio", "multiselect"):
        for widget in getattr(at, kind):
            parts.append(str(widget.label))
            parts += [str(o) for o in widget.options]
    for kind in ("button", "toggle", "checkbox", "text_input", "number_input"):
        parts += [str(w.label) for w in getattr(at, kind)]
    parts += [str(e.label) for e in at.expander]
    for frame in (d.value for d in at.dataframe):
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    for chart in at.get("vega_lite_chart") if charts else []:
        spec = json.loads(chart.proto.spec)
        _walk(spec, parts)
        fields = _shown_fields(spec)
        for dataset in chart.proto.datasets:
            frame = pa.ipc.open_stream(dataset.data.data).read_all().to_pandas()
            for field in fields & set(frame.columns):
                parts += [str(v) for v in frame[field].dropna().unique()]
    return parts


def offending(parts: list[str]) -> list[tuple[str, str]]:
    """(word, where) for each forbidden word found as a whole word in the visible text."""
    found = []
    for word in sorted(forbidden()):
        pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
        for part in parts:
            if pattern.search(part):
                found.append((word, part[:120]))
                break
    return found


def test_the_forbidden_list_comes_from_the_label_table():
    words = forbidden()
    assert {"counter", "home_delivery", "generic_kiosk", "google_forms", "active"} <= words
    assert {"Counter service", "Home delivery (Bogen Kommer)", "Mobile library"} <= words
    assert "Web" not in words  # the same in both languages: not a leak
    assert offending(["Betjening og Selvbetjening"]) == []
    assert offending(["status: active"])[0][0] in {"active", "status"}


@pytest.mark.parametrize("page", PAGES)
def test_every_page_in_danish_has_no_code_or_english_word(page, demo_db, monkeypatch):
    at = run_page(page, monkeypatch, demo_db, lang="da", names=True)
    parts = visible_text(at)
    assert len(parts) > 5
    assert offending(parts) == []
    # no identifier of the code either (a column, a setting, a fact name)
    snake = [m for p in parts for m in re.findall(r"\b[a-z]+(?:_[a-z0-9]+)+\b", p)]
    assert snake == []
    # in-app help, never a file of the repository a manager cannot open
    files = [p for p in parts if re.search(r"[\w/-]+\.(md|py|sql|toml)\b", p)]
    assert files == []
    # decimal commas: no number written with a decimal point
    shown = visible_text(at, charts=False)
    points = [m for p in shown for m in re.findall(r"(?<![\w.])\d+\.\d+(?![\w.])", p)]
    assert points == []
    # every chart's text colours (axes, legends, titles) reach 4.5:1 on white
    for spec in (json.loads(c.proto.spec) for c in at.get("vega_lite_chart")):
        colours = text_colours(spec)
        assert colours and all(contrast(c) >= 4.5 for c in colours), colours


@pytest.fixture(scope="module")
def newer_db(small_db_shared, tmp_path_factory):
    """The small forum as a newer Service Mirror would leave it (another schema version)."""
    import duckdb
    from conftest import copy_database

    path = copy_database(small_db_shared, tmp_path_factory.mktemp("newer"))
    con = duckdb.connect(str(path))
    con.execute("update meta set value = '99' where key = 'schema_version'")
    con.close()
    return path


@pytest.mark.parametrize("page", [*PAGES, "audit"])
def test_a_database_of_another_version_is_one_line_on_every_page(page, newer_db, monkeypatch):
    # before: the Hypothesis, Report, Forum package, Audit and Upload pages showed a traceback
    at = run_page(page, monkeypatch, newer_db, lang="da")
    assert [e.value for e in at.error] and all("schema version 99" in e.value for e in at.error)
    assert not at.get("vega_lite_chart")


# statisticians' names a method may be called by (acronyms are found by their capitals)
EPONYMS = {"Spearman", "Pearson", "Benjamini", "Hochberg", "Cronbach", "Fisher", "Welch"}
EPONYMS |= {"Wilson", "Holm", "Bonferroni", "Kendall", "Mundlak", "Satterthwaite", "Wald"}


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_term_on_the_hypothesis_page_is_in_its_glossary(lang, demo_db, monkeypatch):
    """REWB, Spearman, ICC(2), Benjamini-Hochberg ... each explained in the
    page's glossary (da/en). A term is an acronym (two capitals or more: REWB, ICC, BH, OLS,
    eNPS) or a method's eponym, found anywhere on the page outside the glossary itself."""
    from servicemirror.dashboard import i18n

    at = run_page("hypothesis", monkeypatch, demo_db, lang=lang)
    glossary = i18n.t("glossary", lang)
    assert glossary in [m.value for m in at.markdown]
    text = "\n".join(p for p in visible_text(at) if p != glossary)
    terms = set(re.findall(r"\b[a-z]?[A-Z]{2,}[A-Za-z]*\b", text))
    terms |= {w for w in re.findall(r"\b[A-Z][a-z]+\b", text) if w in EPONYMS}
    assert {"REWB", "ICC", "Spearman"} <= terms  # the page does show them
    explained = set(re.findall(r"\*\*([^*]+)\*\*", glossary))
    missing = sorted(term for term in terms if not any(term in entry for entry in explained))
    assert missing == []


def test_the_language_script_survives_the_html_sanitizer():
    """st.html sanitizes its body (DOMPurify) and drops a <script> whose text holds "<" before a
    letter, "/" or "!" as if it were markup: the page would then keep lang="en" and Streamlit's
    English texts. (A comment "<the chart's title>" did exactly that once.)"""
    from servicemirror.dashboard import browser, i18n

    body = browser.language_script("da", i18n.STREAMLIT_WORDS)
    inner = body.removeprefix("<script>").removesuffix("</script>")
    assert body != inner and re.findall(r"<[/\w!]", inner) == []
    assert '"Show data": "Vis tallene"' in inner
