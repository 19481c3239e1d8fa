"""Real-browser tests of service projects: targets, project markers and patron segments on the served
Library and Services pages (Debian's Chromium through Playwright).

The server, browser and page fixtures are those of tests/test_browser.py (imported, so the recipe
lives in one place; pytest gives this module its own server over its own copy of the demo
database). What Streamlit sends to the browser is recorded from the app's websocket: every chart's
Vega-Lite spec and its Arrow datasets arrive there, so the test can assert that the spec holds the
target rule (dashed, at the target value, with its gap label) and the project marker (its title
and start date), and that the chart was then drawn (canvas/svg). Screenshots go to test-artifacts/.

Under CI=true a missing Chromium fails the session instead of skipping it (test_browser._missing).
"""

from __future__ import annotations

import duckdb
import pytest
import test_browser as tb

from servicemirror.app.demo import DEMO_TARGETS
from servicemirror.dashboard import i18n

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# test_browser's fixtures, bound here so pytest finds them for this module's tests
served_db, app_url, browser, page = tb.served_db, tb.app_url, tb.browser, tb.page

settle = tb.settle
shoot = tb.shoot

# Gentofte consented to be named (its URL token is its key), has a counter index target of 88
# (DEMO_TARGETS) and a counter project starting 2022-08-01 (data/demo/README.md).
LIBRARY = "gentofte"
TOUCHPOINT = "counter"


def _record_frames(page) -> list[bytes]:
    """Collect every websocket frame the server sends; Streamlit's deltas are protobuf bytes."""
    frames: list[bytes] = []

    def on_socket(ws) -> None:
        def on_frame(payload) -> None:
            frames.append(payload if isinstance(payload, bytes) else payload.encode("utf-8"))

        ws.on("framereceived", on_frame)

    page.on("websocket", on_socket)
    return frames


def _project_title(db_path) -> tuple[str, str]:
    """(title, start date) of the demo project of LIBRARY on TOUCHPOINT, read from the database."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        row = con.execute(
            "select title, start_date from projects where library_key = ? and touchpoint = ?",
            [LIBRARY, TOUCHPOINT],
        ).fetchone()
    finally:
        con.close()
    assert row is not None, "the demo database has no project for the library"
    return str(row[0]), row[1].isoformat()


def _target_value() -> int:
    """The demo's index target for LIBRARY on TOUCHPOINT."""
    (value,) = [
        t["target"]
        for t in DEMO_TARGETS
        if t["library"] == LIBRARY and t["touchpoint"] == TOUCHPOINT and t["measure"] == "index"
    ]
    return int(value)


def _charts_drawn(page) -> int:
    """How many Vega-Lite charts have a drawn canvas or svg; fails if any is still empty."""
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        assert charts.nth(i).locator("canvas, svg").count() >= 1, f"chart {i} not drawn"
    return charts.count()


@pytest.mark.parametrize("lang", ["en", "da"])
def test_library_page_has_target_rule_and_project_marker(page, app_url, served_db, lang):
    """The touchpoint chart of a library with a target and a project carries both layers."""
    frames = _record_frames(page)
    page.goto(f"{app_url}/library?library={LIBRARY}&touchpoint={TOUCHPOINT}&lang={lang}")
    settle(page)
    shoot(page, f"library-targets-projects-{lang}")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text().strip() == i18n.t("library_title", lang)
    assert _charts_drawn(page) >= 2
    sent = b"".join(frames)

    # the target rule: dashed (strokeDash [6, 3]) at y = target_value, labelled "Target 88: ..."
    head = i18n.t("target_short", lang, value=str(_target_value()))
    assert b'"strokeDash":[6,3]' in sent.replace(b" ", b""), "no dashed target rule in a spec"
    assert b'"target_value"' in sent, "no layer encodes target_value"
    assert head.encode() in sent, f"the target label {head!r} was not sent"

    # the project marker: a rule at the first period after the start, labelled title (from date)
    title, start = _project_title(served_db)
    marker = i18n.t("project_marker", lang, title=title, start=start)
    assert marker.encode() in sent, f"the project marker {marker!r} was not sent"
    assert b'"strokeDash":[2,2]' in sent.replace(b" ", b""), "no dotted project rule in a spec"


def test_services_page_shows_target_and_segment_bars(page, app_url):
    """The Services page lists the library's target and draws its patron segment bars."""
    lang = "en"
    frames = _record_frames(page)
    page.goto(f"{app_url}/services?library={LIBRARY}&lang={lang}")
    settle(page)
    shoot(page, "services-targets-segments-en")
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("heading", name=i18n.t("targets_header", lang)).wait_for()
    page.get_by_role("heading", name=i18n.t("segments_header", lang)).wait_for()
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert i18n.t("targets_none", lang) not in body
    assert i18n.t("segments_none", lang) not in body
    # the targets table holds the library's targets (its Arrow data crossed the websocket)
    sent = b"".join(frames)
    head = i18n.t("target_short", lang, value=str(_target_value()))
    assert head.encode() in sent, f"the target {head!r} is not in the targets table"
    # the segment chart: bars on mean with a 0-100 axis and whiskers, drawn after the targets
    assert b'"mean"' in sent and b'"ci_low"' in sent
    assert i18n.t("dim_age_band", lang).encode() in sent
    # the segment bars are the page's last element, so its last chart
    page.locator('[data-testid="stVegaLiteChart"]').last.locator("canvas, svg").first.wait_for()
    assert _charts_drawn(page) >= 2
