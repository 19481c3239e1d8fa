"""Benchmark 3b: a file loads while 30 readers read the same database, as on a forum server.

The readers are 30 threads of one dashboard-like process (``db.keep_reads_open``: they share one
held read connection, ``servicemirror.core.db``), each running page queries back to back. The
writer is another process, as when an administrator runs ``servicemirror load`` beside the
dashboard: it first times how long it waits for the exclusive lock (an empty write that changes
no data), then loads a new file through ``load_file``. The same writer runs once before the
readers start, so its wait and load time with the readers can be set against the same figures
without them, in the same run.

Target: the writer gets in within WAIT_TARGET seconds (readers let go within a second plus the
query that is running), both sides finish with no error, and the readers then read the new data.

    python -m bench.reads_while_loading DB [--rows 200000] [--readers 30]

DB is copied to a temporary folder first (the copy is written, the original never); the files
loaded are new patron answers for its libraries in its latest period (``write_file``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.common import ROOT, Result, percentile

READERS = 30
ROWS = 200_000  # patron answers in the file loaded (a large yearly upload of one forum)
WAIT_TARGET = 1.5  # seconds: the watcher's 0.1 s, the running query, a loaded machine
# page queries (no parameters) a dashboard runs on every page or on the Upload page
QUERIES = ("library_periods", "settings_all", "uploads_list", "personas_all", "meta_get")


def _writer(db_path: Path, file: Path) -> dict:
    """The writer process's work: the wait for the lock, then the load (seconds each)."""
    from servicemirror.core import db
    from servicemirror.etl.load import load_file

    started = time.monotonic()
    with db.writing(db_path, bump=False):  # an empty write: only the wait is measured
        wait = time.monotonic() - started
    started = time.monotonic()
    report = load_file(db_path, file, loaded_by="bench")
    if report.status != "loaded":
        raise RuntimeError(f"{file}: {report.status} ({report.message})")
    return {"wait": wait, "load": time.monotonic() - started, "responses": report.valid_responses}


def write_file(db_path: Path, folder: Path, tag: str, rows: int) -> Path:
    """A new patron export (generic long) of ``rows`` answers for the database's libraries in its
    latest period; ``tag`` makes every file different (a repeated file is refused as duplicate)."""
    from servicemirror import queries
    from servicemirror.core import db

    with db.reading(db_path) as con:
        grid = queries.run(con, "library_periods")
    period = str(sorted(grid["period"].astype(str))[-1])
    names = sorted(grid.loc[grid["period"].astype(str) == period, "display_name"].astype(str))
    path = folder / f"patrons-{tag}.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("library,period,respondent_type,respondent_id,item,value\n")
        for i in range(rows):
            fh.write(f"{names[i % len(names)]},{period},patron,{tag}-{i},core_sat,{1 + i % 5}\n")
    return path


def _run_writer(db_path: Path, file: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.reads_while_loading", str(db_path), "--writer", str(file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode != 0:
        raise RuntimeError(f"writer failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _reader(db_path: Path, stop: threading.Event, out: dict) -> None:
    import duckdb

    from servicemirror import queries
    from servicemirror.core import db

    times, versions, errors = [], set(), []
    i = 0
    while not stop.is_set():
        name = QUERIES[i % len(QUERIES)]
        i += 1
        t = time.perf_counter()
        try:
            with db.reading(db_path) as con:
                if name == "meta_get":
                    versions.add(queries.scalar(con, name, key="data_version"))
                else:
                    queries.run(con, name)
        except (db.DatabaseError, duckdb.Error) as exc:  # counted: any error fails the bench
            errors.append(f"{type(exc).__name__}: {exc}")
            continue
        times.append(time.perf_counter() - t)
    out.update(times=times, versions=versions, errors=errors)


def run(db_path: Path, rows: int = ROWS, readers: int = READERS) -> Result:
    """Copy ``db_path``, load a new file of ``rows`` patron answers into the copy without and
    then with ``readers`` readers."""
    from servicemirror.core import db

    with tempfile.TemporaryDirectory(prefix="sm-bench-3b-") as tmp:
        copy = Path(tmp) / "forum.duckdb"
        shutil.copy(db_path, copy)
        if db.version_path(db_path).exists():
            shutil.copy(db.version_path(db_path), db.version_path(copy))
        files = [write_file(copy, Path(tmp), tag, rows) for tag in ("alone", "shared")]
        alone = _run_writer(copy, files[0])
        before = str(db.data_version(copy))

        db.keep_reads_open()
        stop = threading.Event()
        outs = [{} for _ in range(readers)]
        threads = [
            threading.Thread(target=_reader, args=(copy, stop, out), daemon=True) for out in outs
        ]
        for thread in threads:
            thread.start()
        time.sleep(2.0)  # every reader is reading
        shared = _run_writer(copy, files[1])
        time.sleep(1.0)  # the readers read the new data
        stop.set()
        for thread in threads:
            thread.join(60)
        finished = sum(not thread.is_alive() for thread in threads)
        db.keep_reads_open(False)
        after = str(db.data_version(copy))

    times = [t for out in outs for t in out.get("times", [])]
    errors = [e for out in outs for e in out.get("errors", [])]
    saw_new = sum(after in out.get("versions", set()) for out in outs)
    ok = (
        shared["wait"] <= WAIT_TARGET
        and finished == readers
        and not errors
        and saw_new == readers
        and after != before
    )
    return Result(
        key="3b",
        title=f"a load while {readers} readers read (writer's wait for the lock)",
        ratio=None,
        target=f"wait <= {WAIT_TARGET} s, no errors, readers see the new data",
        ok=ok,
        figures={
            "wait with readers s": shared["wait"],
            "wait alone s": alone["wait"],
            "load with readers s": shared["load"],
            "load alone s": alone["load"],
            "answers loaded": shared["responses"],
            "reads": len(times),
            "read p50 ms": percentile(times, 50) * 1000 if times else float("nan"),
            "read p95 ms": percentile(times, 95) * 1000 if times else float("nan"),
            "read max ms": max(times) * 1000 if times else float("nan"),
            "readers finished": f"{finished}/{readers}",
            "readers saw the load": f"{saw_new}/{readers}",
            "errors": len(errors),
        },
        notes=[f"reader error: {e}" for e in errors[:3]],
    )


def main(argv: list[str] | None = None) -> None:
    """Command line: the benchmark, or (``--writer``) the writer process it starts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--readers", type=int, default=READERS)
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)  # the file to load
    args = parser.parse_args(argv)
    if args.writer:
        print(json.dumps(_writer(args.db, args.writer)), flush=True)
        return
    result = run(args.db, args.rows, args.readers)
    print(result.line())
    for name, value in result.figures.items():
        print(f"    {name}: {value}")
    for note in result.notes:
        print(f"    {note}")


if __name__ == "__main__":
    main()
