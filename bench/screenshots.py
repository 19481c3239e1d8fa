"""Screenshots of every dashboard page in Danish at 1,280 pixels, for the README.

Serves dashboard/app.py over a database (default: a fresh demo database in a temporary folder)
and photographs each page of app.py with Debian's Chromium through Playwright, the recipe of
tests/test_browser.py. Writes docs/screenshots/<page>.png.

    .venv/bin/python bench/screenshots.py [--db PATH] [--lang da] [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import browser_recipe  # noqa: E402  (the one recipe: Chromium flags, free ports)
import test_browser as tb  # noqa: E402  (the pages and how a page settles)


def serve(db_path: Path, port: int) -> subprocess.Popen:
    """Start Streamlit on ``port`` over ``db_path`` and wait until it answers."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(tb.APP),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        env=dict(os.environ, SERVICEMIRROR_DB=str(db_path)),
        cwd=tb.APP.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit("streamlit did not start within 90 s")


def main() -> None:
    """Parse the arguments, serve the app, write one PNG per page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database to show (default: a new demo database)")
    parser.add_argument("--lang", default="da", choices=["da", "en"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--height", type=int, default=2400, help="viewport height in pixels")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db_path = args.db
        if db_path is None:
            from servicemirror.app import demo

            db_path = Path(tmp) / "demo.duckdb"
            demo.build_demo(db_path, seed=2011)
        port = browser_recipe.free_port()
        proc = serve(db_path, port)
        args.out.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=str(browser_recipe.CHROMIUM), args=browser_recipe.CHROMIUM_ARGS
                )
                # Streamlit scrolls inside its own container: a tall viewport shows the page
                context = browser.new_context(viewport={"width": 1280, "height": args.height})
                page = context.new_page()
                page.set_default_timeout(tb.TIMEOUT_MS)
                for name, path in tb.app_pages():
                    page.goto(f"http://127.0.0.1:{port}/{path}?lang={args.lang}")
                    tb.settle(page)
                    time.sleep(1.0)  # let the language script and the charts finish drawing
                    target = args.out / f"{name}.png"
                    page.screenshot(path=str(target))
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=15)


if __name__ == "__main__":
    main()
