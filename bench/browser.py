"""Benchmark 5: the first Overview after an upload (cold), in Chromium, vs a bare Streamlit page.

Two Streamlit servers on free loopback ports, started by tests/browser_recipe.py as the browser
tests start theirs: the dashboard (dashboard/app.py) over a PRIVATE COPY of the benchmark database
and ``bench/bare_app.py`` (one Altair chart of the same points, read from a CSV). Debian's Chromium
through Playwright (``executable_path=/usr/bin/chromium``; never ``playwright install``). Each
navigation is a new browser context (a new Streamlit session); the clock runs from ``page.goto``
until the first chart's canvas or svg exists.

After one navigation to each server (the processes' own start is not what is measured), every
run loads a small file into the copy (one library, one period, 40 patrons: a new data version,
so every version-keyed cache is cold) and then navigates to the Overview: that is the "first
Overview after an upload (cold)"; then once more to the Overview (warm) and to the bare page. The
ratio is the median cold Overview over the median bare page. Target: <= 1.5.

Beside it, reported without a target: the Overview with its trends shown (the choice below the
scatter, kept in the URL) as the heatmap (``?trends=heatmap``) and as lines per library
(``?trends=lines``: 100 panels of small multiples), each until its second chart is drawn, in the
same runs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from bench import cells_refresh
from bench.common import ROOT, Result, median

sys.path.insert(0, str(ROOT / "tests"))

# the one recipe (Chromium flags, a served Streamlit app), as the browser tests use it
from browser_recipe import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

TARGET = 1.5
CHART = '[data-testid="stVegaLiteChart"]'
# resolves after two animation frames: only once the page's main thread is free to draw
FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())))"


def _navigate(browser, url: str, charts: int = 1) -> float:
    """Seconds from goto to the first ``charts`` charts drawn, in a fresh context (a new
    session). With more than one chart the clock also waits for two animation frames after the
    last chart's canvas appears: Vega lays a chart out on the page's main thread after creating
    its canvas, and a frame is drawn only once that work is done."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        for i in range(charts):
            page.locator(CHART).nth(i).locator("canvas, svg").first.wait_for(timeout=180_000)
        if charts > 1:
            page.evaluate(FRAMES)
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
        work_db = cells_refresh.private_copy(Path(db_path), tmp)  # never write the shared one
        # migrates a copy made under an older schema and fills its stored published cells
        target = cells_refresh.target_library(work_db)
        _upload(work_db, tmp, target, 0)
        n_points = write_points(work_db, tmp / "points.csv")
        product_env = {"SERVICEMIRROR_DB": str(work_db)}
        bare_env = {"BENCH_POINTS": str(tmp / "points.csv")}
        times: dict[str, list[float]] = {
            "cold": [],
            "warm": [],
            "bare": [],
            "upload": [],
            "heatmap": [],
            "lines": [],
        }
        with (
            serve(ROOT / "dashboard" / "app.py", product_env, tmp / "product.log") as product,
            serve(ROOT / "bench" / "bare_app.py", bare_env, tmp / "bare.log") as bare,
            sync_playwright() as p,
        ):
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                start_product, start_bare = _navigate(browser, product), _navigate(browser, bare)
                for i in range(runs):
                    times["upload"].append(_upload(work_db, tmp, target, i + 1))
                    times["cold"].append(_navigate(browser, product))
                    times["warm"].append(_navigate(browser, product))
                    times["bare"].append(_navigate(browser, bare))
                    times["heatmap"].append(
                        _navigate(browser, product + "/?trends=heatmap", charts=2)
                    )
                    times["lines"].append(_navigate(browser, product + "/?trends=lines", charts=2))
            finally:
                browser.close()
    cold, warm, bare_s = median(times["cold"]), median(times["warm"]), median(times["bare"])
    ratio = cold / bare_s
    return Result(
        key="5",
        title="first Overview after an upload (cold) in Chromium vs a bare Streamlit chart",
        ratio=ratio,
        target=f"<= {TARGET} (cold after an upload, median)",
        ok=ratio <= TARGET,
        figures={
            "points": n_points,
            "overview cold after upload s": cold,
            "overview warm s": warm,
            "bare s": bare_s,
            "warm ratio": warm / bare_s,
            "overview with trends as heatmap s": median(times["heatmap"]),
            "heatmap ratio": median(times["heatmap"]) / bare_s,
            "overview with trends as lines s": median(times["lines"]),
            "lines ratio": median(times["lines"]) / bare_s,
            "upload (small file) s": median(times["upload"]),
            "first navigation overview s": start_product,
            "first navigation bare s": start_bare,
            "runs": runs,
        },
    )


def _upload(db_path: Path, folder: Path, target: tuple[str, str], number: int) -> float:
    """Load small file ``number`` for ``target`` (library, period) into ``db_path``; seconds."""
    from servicemirror.etl import load

    file = cells_refresh.small_file(folder, *target, seed=2000 + number)
    start = time.perf_counter()
    report = load.load_file(db_path, file, loaded_by="bench")
    seconds = time.perf_counter() - start
    if report.status != "loaded":
        raise RuntimeError(f"bench upload {file.name}: {report.status} {report.message}")
    return seconds
