"""Child-process tasks of the benchmarks: ``python -m bench.child TASK JSON`` prints JSON.

Each task runs in a fresh interpreter so that its peak memory is its own and no import, cache or
page cache warmed by an earlier run is shared beyond what the operating system keeps. Only the
operation itself is timed (``seconds``); set-up (registering libraries) is not.

Tasks:
``load``      ``servicemirror.etl.load.load_file`` on each of ``files`` into ``db`` (the product's
              import path; ``servicemirror load`` calls the same function). Optional ``register``:
              library names registered first (untimed), ``profile``: write a cProfile dump there.
              Result: seconds, per_file, answers (answers or presses loaded), statuses.
``read_csv``  DuckDB's own ``create table ... as select * from read_csv(files)`` into a fresh
              on-disk database ``db``: the ceiling. Result: seconds, rows.
``read_csv_hourly``  the kiosk ceiling: DuckDB's own ``read_csv`` of the press files (types
              sniffed by DuckDB) counted per hour, location, question and button into a table
              of a fresh on-disk database ``db``, in one statement. Result: seconds, rows
              (presses), groups.
"""

from __future__ import annotations

import cProfile
import json
import sys
import time
from pathlib import Path

import pandas as pd


def _load(args: dict) -> dict:
    from servicemirror.etl.load import load_file, register_libraries

    db_path = Path(args["db"])
    if args.get("register"):
        register_libraries(db_path, pd.DataFrame({"library": args["register"]}))
    profiler = cProfile.Profile() if args.get("profile") else None
    per_file, statuses, answers = [], [], 0
    start = time.perf_counter()
    for name in args["files"]:
        t = time.perf_counter()
        if profiler:
            profiler.enable()
        report = load_file(db_path, Path(name), loaded_by="bench")
        if profiler:
            profiler.disable()
        per_file.append(time.perf_counter() - t)
        statuses.append(report.status)
        if report.format == "kiosk_presses":
            answers += report.valid_responses
        else:
            answers += sum(int(i["n"]) for i in report.items)
    seconds = time.perf_counter() - start
    if profiler:
        profiler.dump_stats(args["profile"])
    return {"seconds": seconds, "per_file": per_file, "answers": answers, "statuses": statuses}


def _read_csv(args: dict) -> dict:
    import duckdb

    con = duckdb.connect(args["db"], config={"autoinstall_known_extensions": False})
    try:
        start = time.perf_counter()
        con.execute("create table t as select * from read_csv($files)", {"files": args["files"]})
        # a checkpoint is part of a load in the product too (its transaction commits to disk)
        con.execute("checkpoint")
        seconds = time.perf_counter() - start
        rows = con.execute("select count(*) from t").fetchall()[0][0]
    finally:
        con.close()
    return {"seconds": seconds, "rows": int(rows)}


def _read_csv_hourly(args: dict) -> dict:
    import duckdb

    con = duckdb.connect(args["db"], config={"autoinstall_known_extensions": False})
    try:
        start = time.perf_counter()
        # every column but the timestamp is a location, the question or the button (the
        # generator's press files): the same hourly groups the product stores
        con.execute(
            'create table t as select * exclude ("Tidspunkt"), '
            "date_trunc('hour', \"Tidspunkt\") as hour, count(*) as n "
            "from read_csv($files) group by all",
            {"files": args["files"]},
        )
        con.execute("checkpoint")
        seconds = time.perf_counter() - start
        rows, groups = con.execute("select sum(n), count(*) from t").fetchall()[0]
    finally:
        con.close()
    return {"seconds": seconds, "rows": int(rows), "groups": int(groups)}


TASKS = {"load": _load, "read_csv": _read_csv, "read_csv_hourly": _read_csv_hourly}


def main() -> None:
    """Entry point: TASK and its JSON arguments on the command line, JSON result on stdout."""
    task, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(TASKS[task](args)))


if __name__ == "__main__":
    main()
