"""Benchmark 5: navigation to the rendered Overview chart in Chromium vs a bare Streamlit page.

Two Streamlit servers on free loopback ports, started by tests/browser_recipe.py as the browser
tests start theirs: the dashboard (dashboard/app.py over the benchmark database) and
``bench/bare_app.py`` (one Altair chart of the same points, read from a CSV). Debian's Chromium through Playwright
(``executable_path=/usr/bin/chromium``; never ``playwright install``). Each navigation is a new
browser context (a new Streamlit session); the clock runs from ``page.goto`` until the first
chart's canvas or svg exists. The first navigation of each server is "cold" (the dashboard
builds its cached published cells then); the ratio is taken on the median of the warm ones, and
the cold ratio is reported beside it. Target: <= 1.5.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, Result, median

sys.path.insert(0, str(ROOT / "tests"))

# the one recipe (Chromium flags, a served Streamlit app), as the browser tests use it
from browser_recipe import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

TARGET = 1.5
CHART = '[data-testid="stVegaLiteChart"]'


def _navigate(browser, url: str) -> float:
    """Seconds from goto to the first chart drawn, in a fresh context (a new session)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.locator(CHART).first.locator("canvas, svg").first.wait_for(timeout=180_000)
        return time.perf_counter() - start
    finally:
        context.close()


def write_points(db_path: Path, out: Path) -> int:
    """The Overview's scatter points of the latest period (as the page shows them) to CSV."""
    import logging

    os.environ["SERVICEMIRROR_DB"] = str(db_path)
    from servicemirror.dashboard import data

    for name in ("streamlit", "streamlit.runtime.caching.cache_data_api"):
        logging.getLogger(name).setLevel(logging.ERROR)
    period = data.periods()[-1]
    points = data.scatter_points(period, "da", False)
    points[["label", "staff_index", "patron_index"]].to_csv(out, index=False)
    return len(points)


def run(db_path: Path, runs: int = 6) -> Result:
    """Time ``runs`` navigations to each page (alternating); ratio of the warm medians."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        return Result(
            key="5",
            title="Overview chart in Chromium vs a bare Streamlit chart",
            ratio=None,
            target=f"<= {TARGET}",
            ok=None,
            notes=["skipped: needs playwright and Debian's chromium (apt-get install chromium)"],
        )
    with tempfile.TemporaryDirectory(prefix="sm-bench-browser-") as tmp:
        tmp = Path(tmp)
        n_points = write_points(db_path, tmp / "points.csv")
        product_env = {"SERVICEMIRROR_DB": str(db_path)}
        bare_env = {"BENCH_POINTS": str(tmp / "points.csv")}
        times: dict[str, list[float]] = {"product": [], "bare": []}
        with (
            serve(ROOT / "dashboard" / "app.py", product_env, tmp / "product.log") as product,
            serve(ROOT / "bench" / "bare_app.py", bare_env, tmp / "bare.log") as bare,
            sync_playwright() as p,
        ):
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                for _ in range(runs):
                    times["product"].append(_navigate(browser, product))
                    times["bare"].append(_navigate(browser, bare))
            finally:
                browser.close()
    warm_p, warm_b = median(times["product"][1:]), median(times["bare"][1:])
    cold_p, cold_b = times["product"][0], times["bare"][0]
    ratio = warm_p / warm_b
    return Result(
        key="5",
        title="Overview chart in Chromium vs a bare Streamlit chart",
        ratio=ratio,
        target=f"<= {TARGET} (warm median)",
        ok=ratio <= TARGET,
        figures={
            "points": n_points,
            "overview warm s": warm_p,
            "bare warm s": warm_b,
            "overview cold s": cold_p,
            "bare cold s": cold_b,
            "cold ratio": cold_p / cold_b,
            "runs": runs,
        },
    )
