"""Real-browser tests: the served dashboard in Debian's Chromium through Playwright (no download at run time).

One Streamlit server per session on a free loopback port, over a private copy of the demo
database. Every page in app.py is opened in both languages, waited for until its charts are
drawn, checked for exception boxes and for serious/critical WCAG violations (axe-core, bundled by
axe-playwright-python), and screenshotted to test-artifacts/. One test uploads a file through the
browser and finds it in the upload history and on the Overview. The README's screenshots (every
page in Danish at 1,280 pixels) come from bench/screenshots.py, which uses this recipe.

Under CI=true a missing Chromium fails the session instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from browser_recipe import CHROMIUM, CHROMIUM_ARGS, serve

from servicemirror.dashboard import i18n

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
ARTIFACTS = ROOT / "test-artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 60_000


def _missing(reason: str):
    """Skip locally, fail under CI: a skipped browser test must not pass CI unnoticed."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


def app_pages() -> list[tuple[str, str]]:
    """(page name, URL path) for every st.Page in app.py, in menu order; "" is the default page.

    Read from app.py's source so a page added to the router is tested without editing this file.
    """
    source = APP.read_text(encoding="utf-8")
    pages = []
    for block in source.split("st.Page(")[1:]:
        block = block.split("st.Page(")[0]
        name = re.search(r'"views"\s*/\s*"(\w+)\.py"', block)
        if not name:
            continue
        url = re.search(r'url_path\s*=\s*"([^"]*)"', block)
        default = re.search(r"default\s*=\s*True", block)
        path = "" if default else (url.group(1) if url else name.group(1))
        pages.append((name.group(1), path))
    return pages


@pytest.fixture(scope="session")
def served_db(tmp_path_factory, demo_db) -> Path:
    """A private, writable copy of the demo database for the served app (the upload test writes)."""
    folder = tmp_path_factory.mktemp("served")
    for item in demo_db.parent.iterdir():
        if item.name.startswith(demo_db.name):
            shutil.copy(item, folder / item.name)
    return folder / demo_db.name


@pytest.fixture(scope="session")
def app_url(served_db, tmp_path_factory):
    """Serve dashboard/app.py on a free loopback port until the session ends."""
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    started = time.monotonic()
    try:
        with serve(APP, {"SERVICEMIRROR_DB": str(served_db)}, log) as url:
            print(f"\nstreamlit healthy after {time.monotonic() - started:.2f} s")
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="module")  # one Playwright per module: two at once clash
def browser():
    """Debian's Chromium through Playwright (never `playwright install`)."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} not found: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    yield tab
    context.close()


def settle(page) -> None:
    """Wait until the script run is over and every chart on the page has drawn."""
    # Streamlit's root element says whether the script is running (initial/running/notRunning)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    page.locator("h1").first.wait_for()
    # elements whose code is still loading are drawn as skeletons; wait until all have mounted
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=TIMEOUT_MS
    )
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    for i in range(charts.count()):
        # attached, not visible: charts in a closed expander are drawn but hidden
        charts.nth(i).locator("canvas, svg").first.wait_for(state="attached")


def check_accessibility(page, name: str) -> None:
    """axe-core on the whole page: no serious or critical WCAG violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING_IMPACTS]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(", ".join(n["target"]) for n in v["nodes"][:3])
        for v in blocking
    )
    assert not blocking, f"{name}: serious/critical accessibility violations:\n{report}"


def shoot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


PAGES = app_pages()


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_every_page(page, app_url, name, path, lang):
    """Open the page, wait for its charts, no exception box, right language, axe-clean, screenshot."""
    started = time.monotonic()
    page.goto(f"{app_url}/{path}?lang={lang}")
    settle(page)
    elapsed = time.monotonic() - started
    shoot(page, f"{name}-{lang}")
    assert page.locator('[data-testid="stException"]').count() == 0, f"{name}: exception shown"
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    for key in ("page_overview", "page_hypothesis", "page_upload", "page_report"):
        assert i18n.t(key, lang) in nav
    title = {
        "overview": "overview_title",
        "hypothesis": "hyp_title",
        "upload": "upload_title",
        "report": "report_title",
    }.get(name)
    if title:
        assert page.locator("h1").first.inner_text().strip() == i18n.t(title, lang)
    if name in ("overview", "hypothesis"):
        assert page.locator('[data-testid="stVegaLiteChart"]').count() >= 1
    check_accessibility(page, f"{name} ({lang})")
    print(f"\n{name} ({lang}): ready in {elapsed:.2f} s")


def test_language_switch(page, app_url):
    """The sidebar switch turns the page into English and records the choice in the URL."""
    page.goto(f"{app_url}/?lang=da")
    settle(page)
    assert page.locator("h1").first.inner_text().strip() == i18n.t("overview_title", "da")
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.locator("h1", has_text=i18n.t("overview_title", "en")).wait_for()
    assert "lang=en" in page.url
    settle(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def _upload_file(folder: Path, period: str) -> Path:
    """A long CSV for a new library with enough staff (>= k) and patrons to appear everywhere."""
    lines = ["library,period,respondent_type,respondent_id,item,value"]
    for s in range(8):
        for w in range(1, 6):
            lines.append(f"Prøvested Bibliotek,{period},staff,s{s},core_w{w},{3 + s % 3}")
        lines.append(f"Prøvested Bibliotek,{period},staff,s{s},core_enps,{6 + s % 5}")
    for p in range(30):
        lines.append(f"Prøvested Bibliotek,{period},patron,p{p},core_sat,{3 + p % 3}")
        lines.append(f"Prøvested Bibliotek,{period},patron,p{p},core_nps,{5 + p % 6}")
    path = folder / "browser_upload.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _metric(page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_upload_through_browser(page, app_url, served_db, tmp_path):
    """Drop a file, see the preview, confirm, then find it in the history and on the Overview."""
    from servicemirror.privacy import publish

    latest = sorted(publish.summary(publish.published(served_db))["period"].unique())[-1]
    page.goto(f"{app_url}/?lang=en")
    settle(page)
    shown_before = int(_metric(page, i18n.t("libraries_shown", "en")))

    page.goto(f"{app_url}/upload?lang=en")
    settle(page)
    started = time.monotonic()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(
        str(_upload_file(tmp_path, latest))
    )
    preview = page.locator('[data-testid="stMetric"]', has_text=i18n.t("preview_valid", "en"))
    preview.wait_for()
    assert preview.locator('[data-testid="stMetricValue"]').inner_text().strip() == "38"
    page.get_by_role("button", name=i18n.t("upload_confirm", "en", n=1)).click()
    page.get_by_text("browser_upload.csv: loaded as upload", exact=False).wait_for()
    settle(page)
    print(f"\nupload: preview, confirm and load in {time.monotonic() - started:.2f} s")
    assert page.locator('[data-testid="stException"]').count() == 0
    shoot(page, "upload-after-load")
    # the newest upload is the first choice of the undo box; with names switched off (the
    # default) it shows the upload id and hides the file name, which often names a library
    undo = page.locator('[data-testid="stSelectbox"]', has_text=i18n.t("undo_choose", "en"))
    shown = undo.evaluate(
        "e => e.textContent + ' ' + Array.from(e.querySelectorAll('input')).map(i => i.value).join(' ')"
    )
    assert re.search(r"\d+ · ", shown) and "browser_upload.csv" not in shown, shown
    assert i18n.t("upload_file_hidden", "en") in shown, shown

    page.goto(f"{app_url}/?lang=en")
    settle(page)
    assert int(_metric(page, i18n.t("libraries_shown", "en"))) == shown_before + 1
    shoot(page, "overview-after-upload")
