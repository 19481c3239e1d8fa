"""The benchmarks of bench/ run end to end on tiny data, so they cannot rot.

Not a timed test: it asserts that every benchmark produces its figures and a ratio, never how
fast anything is. The browser benchmark needs Debian's Chromium: it is skipped locally without
it and must run under CI=true (like tests/test_browser.py).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    # bench/ is the repository's folder of scripts, not part of the installed package
    sys.path.insert(0, str(ROOT))
run_all = importlib.import_module("bench.run_all")
generate_module = importlib.import_module("bench.generate")
SCALES, generate = generate_module.SCALES, generate_module.generate

# the browser part starts Streamlit servers and Chromium: keep it beside the other browser tests
pytestmark = pytest.mark.xdist_group("browser")


def test_generator_is_deterministic_and_reused(tmp_path):
    first = generate(SCALES["tiny"], tmp_path / "a")
    again = generate(SCALES["tiny"], tmp_path / "a")
    other = generate(SCALES["tiny"], tmp_path / "b")
    assert again == first  # the manifest says the files are there: nothing rewritten
    for name, path in first["files"].items():
        assert Path(path).read_bytes() == Path(other["files"][name]).read_bytes(), name
    kiosk = sum(1 for n in first["files"] if n.startswith("kiosk_presses_"))
    assert kiosk == SCALES["tiny"].kiosk_months
    lines = sum(
        Path(p).read_text().count("\n") - 1
        for n, p in first["files"].items()
        if n.startswith("kiosk_presses_")
    )
    assert lines == SCALES["tiny"].kiosk_presses
    assert json.loads((tmp_path / "a" / "manifest.json").read_text())["rows"]["qualtrics_wide"] == (
        SCALES["tiny"].wide_respondents
    )


def test_all_five_benchmarks_run_on_tiny_data(tmp_path):
    chromium = Path("/usr/bin/chromium").exists()
    if not chromium and os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true: the browser benchmark needs /usr/bin/chromium")
    record = Path(run_all.__file__).parent / "RESULTS.md"
    before = record.read_text() if record.exists() else None
    argv = ["--scale", "tiny", "--work", str(tmp_path), "--no-record"]
    results = {r.key: r for r in run_all.main(argv)}
    assert sorted(results) == ["1", "2", "3", "3b", "4", "5", "6", "7"]
    for key in "1234":
        assert results[key].ratio is not None and results[key].ratio > 0, key
    assert results["1"].figures["answers"] > 0
    assert results["2"].figures["presses"] == SCALES["tiny"].kiosk_presses
    assert {r["case"] for r in results["3"].extra["rows"]} >= {"published cells (stored)"}
    # a load while 30 readers read: both finish, no reader fails, every reader sees the load
    assert results["3b"].figures["errors"] == 0
    assert results["3b"].figures["readers saw the load"] == "30/30"
    # the battery fits models on cells, never on patron rows
    assert results["4"].extra["row_fit"] is False
    assert results["4"].extra["profile"]
    if chromium:
        assert results["5"].ratio is not None and results["5"].ratio > 0
    # 6: the export made, loaded by the real command in a process of its own (every answer
    # stored) and read by the bare read_csv process; each run's database removed
    assert results["6"].figures["answers"] == 5 * generate_module.STAFF_EXPORT_RESPONDENTS["tiny"]
    assert not (tmp_path / "bench6.duckdb").exists()
    # 7: sessions through `serve --workers` (skipped without HAProxy, like Chromium above)
    if results["7"].ratio is not None:
        assert results["7"].ratio > 0 and results["7"].figures["errors"] == 0, results["7"].notes
    elif os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true: benchmark 7 needs HAProxy (apt-get install haproxy)")
    # the floors under targets 2 and 6, on the files the run made: every kiosk floor counts the
    # presses and hourly groups the ceiling counts, and every wide process ran
    floor = importlib.import_module("bench.import_floor").main(
        ["--work", str(tmp_path), "--months", "2", "--runs", "1"]
    )
    counted = floor["kiosk"]["counted"]
    assert set(counted) == {
        "ceiling",
        "per upload",
        "per upload in the lock",
        "per upload, two at once",
        "one statement",
    }
    assert set(counted.values()) == {counted["ceiling"]}, counted
    assert counted["ceiling"][0] > 0
    assert set(floor["wide"]) == {
        "ceiling",
        "imports duckdb pandas pyarrow",
        "imports servicemirror.cli",
        "engine",
    }
    # --no-record: a test run never writes to the results table
    assert (record.read_text() if record.exists() else None) == before


def test_the_cells_refresh_bench_runs_on_the_small_forum(small_db_shared):
    cells_refresh = importlib.import_module("bench.cells_refresh")
    result = cells_refresh.run(small_db_shared, uploads=1, analyze=False)
    # a small upload refreshed a slice (the bench asserts it) and the first read found the cells
    assert result.figures["refresh s"] > 0 and result.figures["cells"] > 0
    assert result.ratio is not None and result.ratio > 0
