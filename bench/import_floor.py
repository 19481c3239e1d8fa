"""Benchmark 2f/6f: the floor under the two import targets, measured beside their ceilings.

Benchmarks 2 and 6 compare the product's import with a bare DuckDB statement. This one asks how
close ANY import could come that keeps what the product must do with a file: count the presses
of each upload apart from the others (each monthly file is an upload of its own, listed and
undone alone) and read the file before the database's write lock is taken; for the wide export,
start a Python process that can run the load path (it needs pandas and pyarrow beside DuckDB) and
store one row per respondent and one per answer. Each floor leaves out everything else the
product does (hashing the file, sniffing, resolving names, checks, lineage, the stored published
cells), so the product cannot be faster than its floor; a floor already below a target shows
that the target needs a different contract, not more trimming.

Kiosk (``--months`` monthly files of the national set, 6 by default), each in a fresh child and a
fresh database, medians of ``--runs``:

``ceiling``    benchmark 2's ceiling over the files (``bench.child read_csv_hourly``: one
               ``read_csv`` of all files counted per hour, location, question and button into a
               table, checkpoint).
``per upload`` per file: the product's own count statement (``kiosk_presses_hourly_typed``,
               typed timestamps, no quote handling) into an in-memory database, the hourly rows
               handed over as Arrow and inserted into the on-disk database, checkpoint: the
               product's shape with nothing else.
``per upload in the lock``  the same, but each file counted inside the on-disk database's own
               connection and transaction: no hand-over between databases, at the price of
               holding the write lock while the file is read.
``per upload, two at once``  as ``per upload``, but two files counted at the same time by
               one DuckDB thread each (bench.child kiosk_floor_per_upload_parallel): the best
               use of two cores found for uploads counted one file at a time.
``one statement``  all files counted in one statement inside the on-disk database's own
               connection (a temporary table keyed by file name, then one insert, checkpoint):
               the shape a design with one upload for several files, counted while holding the
               write lock, could have.

Wide (the 60 MB Qualtrics export of benchmark 6), whole processes timed start to exit:

``ceiling``    benchmark 6's ceiling (start, import duckdb, ``read_csv`` into a table, checkpoint).
``imports``    start and ``import duckdb, pandas, pyarrow`` (what the load path needs), nothing
               else; and start and ``import servicemirror.cli`` (what the command imports).
``engine``     start, the same imports, then DuckDB alone: the file read once, one row per
               respondent (row, library, start date) and one per answer (row, item, value)
               stored, checkpoint.

Run: ``nice -n 10 .venv/bin/python -m bench.import_floor --work /path/to/bench/folder`` (the
folder ``make bench`` made: its ``files/`` holds the kiosk months and the Qualtrics export).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, machine, median, remove_db, run_child
from bench.imports import KIOSK_TARGET
from bench.whole_process import CEILING as WIDE_CEILING
from bench.whole_process import TARGET as WIDE_TARGET

# the generator's press files (bench.generate): Danish header, ';', day-first timestamps
KIOSK_COLUMNS = {
    "ts_col": "Tidspunkt",
    "library_col": "Bibliotek",
    "branch_col": "Filial",
    "terminal_col": "Terminal",
    "question_col": "Spørgsmål",
    "button_col": "Svar",
}
KIOSK_FORMAT = "%d-%m-%Y %H:%M:%S"

# the engine floor of a wide export: what the load path imports, the file read once, the two
# tables a load stores (respondents and their answers), nothing else
WIDE_ENGINE = (
    "import sys, duckdb, pandas, pyarrow\n"
    "con = duckdb.connect(sys.argv[1])\n"
    'con.execute("create temp table src as select row_number() over () as row, * '
    'from read_csv(?, all_varchar = true) offset 2", [sys.argv[2]])\n'
    'con.execute("create table respondents as select row, Bibliotek as library, '
    "try_strptime(StartDate, '%Y-%m-%d %H:%M:%S')::date as date from src\")\n"
    'con.execute("create table answers as select row, item, try_cast(value as integer) as value '
    "from (unpivot (select row, Q1, Q2, Q3, Q4, Q5 from src) on Q1, Q2, Q3, Q4, Q5 "
    "into name item value value) where value <> ''\")\n"
    "con.execute('checkpoint')\n"
    "con.close()\n"
)


def kiosk_floor(files: list[str], work: Path, runs: int) -> dict:
    """Seconds (medians) of the kiosk ceiling and both floors over ``files``; peak memory."""
    db = work / "floor2.duckdb"
    args = {"files": files, "columns": KIOSK_COLUMNS, "ts_format": KIOSK_FORMAT, "db": str(db)}
    seconds: dict[str, list[float]] = {}
    peaks: dict[str, float] = {}
    counted: dict[str, tuple[int, int]] = {}
    for _ in range(runs):
        # interleaved, so that other work on the machine falls on all three alike
        for name, task in (
            ("ceiling", "read_csv_hourly"),
            ("per upload", "kiosk_floor_per_upload"),
            ("per upload in the lock", "kiosk_floor_per_upload_in_lock"),
            ("per upload, two at once", "kiosk_floor_per_upload_parallel"),
            ("one statement", "kiosk_floor_one_statement"),
        ):
            remove_db(db)
            out = run_child(task, args)
            seconds.setdefault(name, []).append(out["seconds"])
            peaks[name] = max(peaks.get(name, 0.0), out["peak_rss_mb"])
            counted[name] = (out["rows"], out["groups"])
            remove_db(db)
    return {
        "seconds": {k: median(v) for k, v in seconds.items()},
        "peak_mb": peaks,
        # (presses, hourly groups) each way: every floor counts what the ceiling counts
        "counted": counted,
    }


def _process(argv: list[str]) -> float:
    """Wall seconds of one process from start to exit (a failing one raises)."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv[:3]} failed: {done.stderr[-1500:]}")
    return seconds


def wide_floor(export: Path, work: Path, runs: int) -> dict:
    """Seconds (medians) of the wide ceiling, the import-only processes and the engine floor."""
    db = work / "floor6.duckdb"
    py = sys.executable
    programs = {
        "ceiling": [py, "-c", WIDE_CEILING, str(db), str(export)],
        "imports duckdb pandas pyarrow": [py, "-c", "import duckdb, pandas, pyarrow"],
        "imports servicemirror.cli": [py, "-c", "import servicemirror.cli"],
        "engine": [py, "-c", WIDE_ENGINE, str(db), str(export)],
    }
    seconds: dict[str, list[float]] = {k: [] for k in programs}
    for _ in range(runs):
        for name, argv in programs.items():
            remove_db(db)
            seconds[name].append(_process(argv))
            remove_db(db)
    return {k: median(v) for k, v in seconds.items()}


def main(argv: list[str] | None = None) -> dict:
    """Measure and print both floors with their ceilings; returns the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="the bench folder (has files/)")
    parser.add_argument("--months", type=int, default=6, help="kiosk monthly files to use")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    files_dir = args.work / "files"
    months = sorted(str(p) for p in files_dir.glob("kiosk_presses_*.csv"))[: args.months]
    # benchmark 6's export, named by its scale (bench.whole_process)
    exports = sorted(files_dir.glob("qualtrics_staff_*.csv"))
    if not months or not exports:
        raise SystemExit(f"{files_dir}: needs kiosk_presses_*.csv and qualtrics_staff_*.csv")
    export = exports[0]
    print(f"machine: {machine()}")
    kiosk = kiosk_floor(months, args.work, args.runs)
    ceiling = kiosk["seconds"]["ceiling"]
    print(f"kiosk, {len(months)} monthly files (target: ceiling / product >= {KIOSK_TARGET}):")
    for name, s in kiosk["seconds"].items():
        print(
            f"  {name:24s} {s:7.2f} s  ceiling/this {ceiling / s:5.2f}  "
            f"peak {kiosk['peak_mb'][name]:,.0f} MB"
        )
    wide = wide_floor(export, args.work, args.runs)
    print(f"wide, {export.name} (target: product / ceiling <= {WIDE_TARGET}):")
    for name, s in wide.items():
        print(f"  {name:30s} {s:6.2f} s  this/ceiling {s / wide['ceiling']:5.2f}")
    return {"kiosk": kiosk, "wide": wide}


if __name__ == "__main__":
    main()
