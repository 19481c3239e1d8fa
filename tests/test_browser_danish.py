"""Real-browser checks of what only a browser shows: the page declares its
language to screen readers, and Streamlit's own texts (the file picker, the chart menu and
description) are Danish on a Danish page. Fixtures and recipe: tests/test_browser.py.
"""

from __future__ import annotations

import pytest
import test_browser as tb

from servicemirror.dashboard import i18n

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# test_browser's fixtures, bound here so pytest finds them for this module's tests
served_db, app_url, browser, page = tb.served_db, tb.app_url, tb.browser, tb.page
settle = tb.settle


def _wait_lang(page, lang: str) -> None:
    page.wait_for_function(f"() => document.documentElement.lang === '{lang}'", timeout=20_000)


@pytest.mark.parametrize("lang", ["da", "en"])
def test_the_page_declares_its_language(page, app_url, lang):
    page.goto(f"{app_url}/?lang={lang}")
    settle(page)
    _wait_lang(page, lang)
    assert page.evaluate("document.documentElement.lang") == lang


def test_file_picker_and_chart_menu_speak_danish(page, app_url):
    page.goto(f"{app_url}/upload?lang=da")
    settle(page)
    _wait_lang(page, "da")
    zone = page.locator('[data-testid="stFileUploaderDropzone"]')
    zone.wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stFileUploaderDropzone\"]')"
        ".innerText.includes('pr. fil')",
        timeout=20_000,
    )
    text = zone.inner_text()
    assert "Drag and drop" not in text and "per file" not in text
    assert "pr. fil" in text
    # the button's text beside its icon (the icon's ligature "upload" is lower case)
    button = zone.locator("button").first.inner_text()
    assert i18n.STREAMLIT_WORDS["Upload"] in button and "Upload" not in button

    page.goto(f"{app_url}/?lang=da")
    settle(page)
    # no chart is described to a screen reader as a "Vega visualization"
    page.wait_for_function(
        '() => !document.querySelector(\'[aria-label="Vega visualization"],'
        ' [aria-roledescription="Vega visualization"]\')',
        timeout=20_000,
    )
    # the chart's toolbar (shown on hover): its buttons are read out as "Vis tallene: <title>",
    # never "Show data: <title>"
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.wait_for()
    chart.hover()
    buttons = page.locator('[data-testid="stElementToolbarButton"] button')
    buttons.first.wait_for(timeout=10_000)
    names = [buttons.nth(i).get_attribute("aria-label") or "" for i in range(buttons.count())]
    assert any(n.startswith(i18n.STREAMLIT_WORDS["Show data"]) for n in names), names
    english = [n for n in names for w in i18n.STREAMLIT_WORDS if n == w or n.startswith(w + ":")]
    assert english == []
