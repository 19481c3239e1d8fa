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
``kiosk_floor_per_upload``  the floor of one upload per press file (bench/import_floor.py):
              per file the product's count statement into an in-memory database, the hourly
              rows as Arrow into a table of the on-disk ``db``, checkpoint. Result: seconds,
              rows, groups.
``kiosk_floor_per_upload_in_lock``  as kiosk_floor_per_upload, but each file counted inside
              ``db``'s own connection and transaction (no hand-over between databases).
``kiosk_floor_per_upload_parallel``  as kiosk_floor_per_upload, but two files counted at once,
              each by one DuckDB thread (both cores busy with counting, none waiting for a
              file's end), their rows stored in file order, one transaction and checkpoint each.
``kiosk_floor_one_statement``  all press files counted in one statement inside ``db``'s
              own connection (a temporary table keyed by file name), one insert, checkpoint.
              Result: seconds, rows, groups.
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
    files = list(args["files"])
    for number, name in enumerate(files, start=1):
        t = time.perf_counter()
        if profiler:
            profiler.enable()
        # as `servicemirror load a b c ...` calls it: the next file is read while this one is
        # written (servicemirror/cli/uploads.py)
        following = Path(files[number]) if number < len(files) else None
        report = load_file(db_path, Path(name), loaded_by="bench", read_next=following)
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


def _kiosk_count_params(args: dict, path: str) -> dict:
    """The product's count statement's parameters for one of the generator's press files."""
    from servicemirror.etl import csvio

    columns = list(args["columns"].values())
    ts_col = args["columns"]["ts_col"]
    return {
        **args["columns"],
        "time_col": ts_col,
        "absent": ["time"],
        "path": path,
        "delim": ";",
        "quote": "",
        "max_line": csvio.MAX_LINE_BYTES,
        "header_types": {c: "TIMESTAMP" if c == ts_col else "VARCHAR" for c in columns},
        "ts_format": args["ts_format"],
    }


_FLOOR_TABLE = (
    "create table counts (file integer, library varchar, branch varchar, terminal varchar, "
    "question varchar, button varchar, slot timestamp, n bigint)"
)


def _floor_db(args: dict):
    """The on-disk ``db`` of a floor task, with the reader's settings and the empty counts table."""
    import duckdb

    from servicemirror.etl.readers.kiosk_presses import DUCKDB_CONFIG

    config = {k: v for k, v in DUCKDB_CONFIG.items() if k != "autoload_known_extensions"}
    disk = duckdb.connect(args["db"], config=config)
    disk.execute(_FLOOR_TABLE)
    return disk


def _floor_result(disk, seconds: float) -> dict:
    """A floor task's result: its seconds, the presses and hourly groups it stored; closes
    ``disk``."""
    rows, groups = disk.execute("select sum(n), count(*) from counts").fetchall()[0]
    disk.close()
    return {"seconds": seconds, "rows": int(rows), "groups": int(groups)}


def _kiosk_hourly(args: dict, path: str, threads: int | None = None):
    """One press file counted by the product's count statement in an in-memory database of its
    own, the hourly rows out as Arrow (as the product's reader hands them over); ``threads``:
    the DuckDB threads of that count (None: every core)."""
    import duckdb

    from servicemirror import queries
    from servicemirror.etl.readers.kiosk_presses import DUCKDB_CONFIG

    sql = queries.sql("kiosk_presses_hourly_typed")
    mem = duckdb.connect(config=DUCKDB_CONFIG | ({"threads": threads} if threads else {}))
    try:
        params = queries.named_in(sql, _kiosk_count_params(args, path))
        return mem.sql(sql, params=params).to_arrow_table()
    finally:
        mem.close()


def _store_upload(disk, number: int, hourly) -> None:
    """File ``number``'s hourly rows (Arrow) stored as an upload of its own: one transaction,
    committed and checkpointed."""
    disk.register("hourly", hourly)
    disk.execute("begin")
    disk.execute(f"insert into counts select {number}, * from hourly")
    disk.execute("commit")
    disk.execute("checkpoint")
    disk.unregister("hourly")


def _kiosk_floor_per_upload(args: dict) -> dict:
    """Each press file counted in a database of its own, handed over as Arrow (as the product's
    reader does) and stored as an upload of its own."""
    disk = _floor_db(args)
    start = time.perf_counter()
    for number, path in enumerate(args["files"]):
        _store_upload(disk, number, _kiosk_hourly(args, path))
    return _floor_result(disk, time.perf_counter() - start)


def _kiosk_floor_per_upload_in_lock(args: dict) -> dict:
    """Each press file counted inside the on-disk database's own transaction (no hand-over
    between databases) and stored as an upload of its own."""
    from servicemirror import queries

    sql = queries.sql("kiosk_presses_hourly_typed")
    disk = _floor_db(args)
    start = time.perf_counter()
    for number, path in enumerate(args["files"]):
        params = queries.named_in(sql, _kiosk_count_params(args, path))
        disk.execute("begin")
        disk.sql(sql, params=params).to_table("hourly")
        disk.execute(f"insert into counts select {number}, * from hourly")
        disk.execute("drop table hourly")
        disk.execute("commit")
        disk.execute("checkpoint")
    return _floor_result(disk, time.perf_counter() - start)


def _kiosk_floor_per_upload_parallel(args: dict) -> dict:
    from concurrent.futures import ThreadPoolExecutor
    from functools import partial

    disk = _floor_db(args)
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        # map keeps file order: a file is stored while the next two are counted
        counted = pool.map(partial(_kiosk_hourly, args, threads=1), args["files"])
        for number, hourly in enumerate(counted):
            _store_upload(disk, number, hourly)
    return _floor_result(disk, time.perf_counter() - start)


def _kiosk_floor_one_statement(args: dict) -> dict:
    disk = _floor_db(args)
    c = args["columns"]
    one = _kiosk_count_params(args, args["files"][0])
    start = time.perf_counter()
    disk.execute("begin")
    disk.execute(
        f"""create temp table raw as
            select filename, "{c["library_col"]}" as library, "{c["branch_col"]}" as branch,
                   "{c["terminal_col"]}" as terminal, "{c["question_col"]}" as question,
                   "{c["button_col"]}" as button, date_trunc('hour', "{c["ts_col"]}") as slot,
                   count(*) as n
            from read_csv($files, delim = ';', quote = '', escape = '', header = true,
                          auto_detect = false, columns = $types, timestampformat = $format,
                          filename = true, max_line_size = $max_line)
            group by all""",
        {
            "files": args["files"],
            "types": one["header_types"],
            "format": args["ts_format"],
            "max_line": one["max_line"],
        },
    )
    disk.execute(
        "insert into counts select list_position($files, filename) - 1, * exclude (filename) "
        "from raw",
        {"files": args["files"]},
    )
    disk.execute("commit")
    disk.execute("checkpoint")
    return _floor_result(disk, time.perf_counter() - start)


TASKS = {
    "load": _load,
    "read_csv": _read_csv,
    "read_csv_hourly": _read_csv_hourly,
    "kiosk_floor_per_upload": _kiosk_floor_per_upload,
    "kiosk_floor_per_upload_in_lock": _kiosk_floor_per_upload_in_lock,
    "kiosk_floor_per_upload_parallel": _kiosk_floor_per_upload_parallel,
    "kiosk_floor_one_statement": _kiosk_floor_one_statement,
}


def main() -> None:
    """Entry point: TASK and its JSON arguments on the command line, JSON result on stdout."""
    task, args = sys.argv[1], json.loads(sys.argv[2])
    print(json.dumps(TASKS[task](args)))


if __name__ == "__main__":
    main()
