"""Run the six national-scale benchmarks and append the results to bench/RESULTS.md (``make bench``).

    python -m bench.run_all                     # national scale (the default; ~10 min, 5.3 GB)
    python -m bench.run_all --scale tiny        # seconds; what tests/test_bench_smoke.py runs
    python -m bench.run_all --only 1,4 --no-record

Steps: generate (or reuse) the exports of the scale (bench/generate.py), build (or reuse) the
database every dashboard benchmark reads by loading them through the product
(bench/database.py), then 1. wide import, 2. kiosk import, 3. dashboard queries, 4. analyze
battery, 5. browser, 6. a Qualtrics export as a whole ``servicemirror load`` process, 7. concurrent
websocket sessions (bench/sessions.py). Each prints its ratio against its target; the run is appended to
bench/RESULTS.md unless ``--no-record``. Generated files and databases live under ``--work``
(default ``$SERVICEMIRROR_BENCH_DIR`` or the system temp folder), never in the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench import (
    analyze_battery,
    browser,
    dashboard_queries,
    database,
    imports,
    sessions,
    whole_process,
)
from bench.common import Result, append_results, machine
from bench.generate import SCALES, generate

# runs per benchmark: (1 wide, 2 kiosk, 3 queries, 4 analyze, 5 browser, 6 whole load process)
RUNS = {"national": (3, 3, 5, 3, 6, 3), "small": (3, 3, 5, 3, 6, 3), "tiny": (1, 1, 2, 1, 2, 1)}
# 7: session counts, and whether one process is measured beside the workers (tiny: only a few
# sessions through HAProxy, so the smoke test stays short)
SESSIONS = {"national": ((1, 10, 30), True), "small": ((1, 10, 30), True), "tiny": ((2,), False)}


def default_work(scale: str) -> Path:
    """Where generated files and databases go: $SERVICEMIRROR_BENCH_DIR or the temp folder."""
    base = os.environ.get("SERVICEMIRROR_BENCH_DIR") or Path(tempfile.gettempdir())
    return Path(base) / f"servicemirror-bench-{scale}"


def main(argv: list[str] | None = None) -> list[Result]:
    """Run the selected benchmarks; returns their results (the smoke test reads them)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="national")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--only", default="1,2,3,4,5,6,7", help="comma-separated benchmark numbers")
    parser.add_argument("--workers", type=int, default=2, help="7: serve --workers N (>= 2)")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    parser.add_argument("--profile", action="store_true", help="profile one extra wide import")
    args = parser.parse_args(argv)
    only = {int(x) for x in args.only.split(",") if x.strip()}
    work = args.work or default_work(args.scale)
    work.mkdir(parents=True, exist_ok=True)
    runs = RUNS.get(args.scale, RUNS["national"])
    started = time.perf_counter()
    info = machine()
    print(f"machine: {json.dumps(info)}", flush=True)

    t = time.perf_counter()
    manifest = generate(SCALES[args.scale], work / "files")
    print(f"generate: {time.perf_counter() - t:.1f} s ({manifest['seconds']})", flush=True)
    t = time.perf_counter()
    db_path, kiosk_run = database.build(manifest, work)
    built = "reused" if kiosk_run is None else f"built in {time.perf_counter() - t:.1f} s"
    print(f"database: {db_path} {built}", flush=True)

    results: list[Result] = []

    def record(result: Result) -> None:
        results.append(result)
        print(result.line(), flush=True)
        for name, value in result.figures.items():
            print(f"    {name}: {value}", flush=True)
        for note in result.notes:
            print(f"    {note}", flush=True)

    profile = work / "wide_import.prof" if args.profile else None
    if 1 in only:
        record(imports.wide_import(manifest, work, runs=runs[0], profile=profile))
        if profile is not None:
            print("    profile of the wide import:", flush=True)
            for line in analyze_battery.top_entries_from_file(profile):
                print(f"      {line}", flush=True)
    if 2 in only:
        earlier = [kiosk_run] if kiosk_run is not None else []
        record(imports.kiosk_import(manifest, work, runs=runs[1], earlier=earlier))
    if 3 in only:
        record(dashboard_queries.run(db_path, runs=runs[2]))
        for row in results[-1].extra["rows"]:
            print(
                f"      {row['case']:<34} product p50 {row['product_p50'] * 1000:8.1f} ms "
                f"p95 {row['product_p95'] * 1000:8.1f} ms (cached {row['cached'] * 1000:6.1f} ms)"
                f" | SQL p50 {row['sql_p50'] * 1000:8.1f} ms p95 {row['sql_p95'] * 1000:8.1f} ms"
                f" | {row['ratio_p50']:.2f} / {row['ratio_p95']:.2f}",
                flush=True,
            )
        # 3b: a load while 30 readers read (a smaller file at the small scales)
        from bench import reads_while_loading

        record(reads_while_loading.run(db_path, rows=2_000 if args.scale == "tiny" else 200_000))
    if 4 in only:
        record(analyze_battery.run(db_path, runs=runs[3]))
        print("    where the time goes (cProfile, cumulative):", flush=True)
        for line in results[-1].extra["profile"]:
            print(f"      {line}", flush=True)
    if 5 in only:
        record(browser.run(db_path, runs=runs[4]))
    if 6 in only:
        record(whole_process.run(args.scale, work, runs=runs[5]))
    if 7 in only:
        counts, single = SESSIONS.get(args.scale, SESSIONS["national"])
        record(sessions.run(db_path, counts, args.workers, with_single=single))
    seconds = time.perf_counter() - started
    print(f"whole run: {seconds / 60:.1f} min", flush=True)
    if not args.no_record:
        append_results(args.scale, results, info, seconds)
        print("appended to bench/RESULTS.md", flush=True)
    return results


if __name__ == "__main__":
    main()
