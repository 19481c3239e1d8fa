"""Real-browser test of the Comments page: one page load of the served demo in
Debian's Chromium through Playwright, with the recipe of tests/test_browser.py.

The themes chart (bars by tone with the forum's spread) and the theme's trend are drawn, the
table shows tone shares with intervals, and in local mode with names off no comment text reaches
the browser (the websocket frames are recorded and searched). Screenshot in test-artifacts/.
"""

from __future__ import annotations

import pytest
import test_browser as tb

from servicemirror.app.demo import COMMENTS_NEGATIVE, COMMENTS_POSITIVE
from servicemirror.dashboard import i18n

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# test_browser's fixtures, bound here so pytest finds them for this module's tests
served_db, app_url, browser, page = tb.served_db, tb.app_url, tb.browser, tb.page

LIBRARY = "gentofte"  # consented to be named, so its URL token is its key


def test_comments_page_draws_themes_and_trend_without_text(page, app_url):
    frames: list[bytes] = []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda payload: frames.append(
                payload if isinstance(payload, bytes) else payload.encode("utf-8")
            ),
        ),
    )
    page.goto(f"{app_url}/comments?library={LIBRARY}&period=2024&theme=staff&lang=da")
    tb.settle(page)
    tb.shoot(page, "comments-da")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator("h1").first.inner_text().strip() == i18n.t("comments_title", "da")
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    assert charts.count() == 2  # themes by tone, the staff theme's trend
    for i in range(charts.count()):
        assert charts.nth(i).locator("canvas, svg").count() >= 1
    sent = b"".join(frames)
    assert i18n.t("theme_staff", "da").encode() in sent
    assert i18n.t("tone_positive", "da").encode() in sent
    # names are off in local mode by default: counts and tone only, never a comment's text
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert i18n.t("comments_manager_only", "da") in body
    for text in COMMENTS_POSITIVE + COMMENTS_NEGATIVE:
        assert text.encode() not in sent, text
