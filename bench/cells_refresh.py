"""Benchmark 5b: what a small upload costs the published cells, and the first read after it.

On a private copy of the benchmark database (never the shared one): the first load migrates a
copy made before schema 10 and fills the stored published cells whole; then ``--uploads`` small patron
files (one library, one period, 40 respondents each) are loaded one after another. For each one
it times the whole ``load_file``, the refresh of the stored cells inside its transaction (the
part of the load that is new), and the first ``publish.published`` read after it (cold: the
version-keyed cache is empty), which now reads the stored table. The ceiling, in the same run,
is what that first read cost before: building the cells from the rows with the same suppression
(``publish.from_rows``, the whole table). The ratio is refresh / full rebuild: a refresh that
costs the whole rebuild on every small load is not the point. ``analyze`` (bench 4) is timed
cold after the last upload and its largest costs are listed from a profile.

Run: ``nice -n 10 .venv/bin/python -m bench.cells_refresh --db /work/benchdata/national.duckdb``.
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.analyze_battery import top_entries
from bench.common import Result, median

TARGET = "refresh / full rebuild: report (the refresh of a small upload should cost a fraction)"


def target_library(db_path: Path) -> tuple[str, str]:
    """(display name, latest period) of the first library with survey rows: where the small
    uploads go. Read with a plain read-only connection (the copy may predate schema 10)."""
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(
            "select l.display_name, max(r.period) from responses r join libraries l "
            "using (library_key) group by l.display_name order by 1 limit 1"
        ).fetchall()[0]
    finally:
        con.close()


def small_file(folder: Path, library: str, period: str, seed: int, n: int = 40) -> Path:
    """One library's patron answers for one period (core satisfaction and NPS), long format."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(n):
        rid = f"bench-{seed}-{p}"
        rows.append([library, "", period, "patron", rid, "core_sat", int(rng.integers(2, 6))])
        rows.append([library, "", period, "patron", rid, "core_nps", int(rng.integers(3, 11))])
    columns = ["library", "branch", "period", "respondent_type", "respondent_id", "item", "value"]
    path = folder / f"small_{seed}.csv"
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


def private_copy(db_path: Path, folder: Path) -> Path:
    """A writable copy of the database (and its .wal and .version) in ``folder``."""
    target = folder / db_path.name
    for suffix in ("", ".wal", ".version"):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            shutil.copy(source, Path(f"{target}{suffix}"))
    return target


def run(db_path: Path, uploads: int = 3, analyze: bool = True) -> Result:
    """Time ``uploads`` small loads into a copy of ``db_path``: load, refresh, first read;
    with ``analyze``, analyze cold and its profile."""
    from servicemirror.app import hypothesis
    from servicemirror.core import cache, db
    from servicemirror.etl import load
    from servicemirror.privacy import cells_table, publish

    refreshed: list[cells_table.Refreshed] = []
    real = cells_table.refresh

    def timed(con, libraries=None, periods=None):
        done = real(con, libraries, periods)
        refreshed.append(done)
        return done

    with tempfile.TemporaryDirectory(prefix="sm-bench-cells-") as tmp:
        tmp = Path(tmp)
        path = private_copy(Path(db_path), tmp)
        library, period = target_library(path)
        cells_table.refresh = timed  # the loads below call it through the module
        try:
            # the first load migrates a copy made under an older schema and fills the stored
            # cells whole (on a current copy it is one more small upload)
            load.load_file(path, small_file(tmp, library, period, seed=999), loaded_by="bench")
            whole_first = refreshed[-1].seconds if refreshed[-1].whole else float("nan")
            loads, refresh, first_read, full = [], [], [], []
            for i in range(uploads):
                file = small_file(tmp, library, period, seed=1000 + i)
                t = time.perf_counter()
                report = load.load_file(path, file, loaded_by="bench")
                loads.append(time.perf_counter() - t)
                assert report.status == "loaded", report.message
                assert not refreshed[-1].whole, "a small upload rebuilt every cell"
                refresh.append(refreshed[-1].seconds)
                cache.clear()
                t = time.perf_counter()
                pub = publish.published(path)
                first_read.append(time.perf_counter() - t)
                with db.reading(path) as con:
                    t = time.perf_counter()
                    publish.from_rows(con, pub.k)
                    full.append(time.perf_counter() - t)
            analyze_s, profile = float("nan"), None
            if analyze:
                cache.clear()
                t = time.perf_counter()
                hypothesis.analyze(path)
                analyze_s = time.perf_counter() - t
                cache.clear()
                publish.published(path)  # the cells as a page has them before it asks for analyze
                profile = cProfile.Profile()
                profile.enable()
                hypothesis.analyze(path)
                profile.disable()
        finally:
            cells_table.refresh = real
    r, f = median(refresh), median(full)
    return Result(
        key="5b",
        title="published cells: refresh of a small upload vs a full rebuild",
        ratio=r / f,
        target=TARGET,
        ok=None,
        figures={
            "load s": median(loads),
            "refresh s": r,
            "full rebuild s": f,
            "first read after upload s": median(first_read),
            "first whole fill s": whole_first,
            "cells": len(pub.cells),
            "branch cells": len(pub.branches),
            "analyze cold s": analyze_s,
            "uploads": uploads,
        },
        notes=["analyze profile: " + "; ".join(top_entries(profile)[:8])] if profile else [],
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--uploads", type=int, default=3)
    args = parser.parse_args(argv)
    result = run(args.db, args.uploads)
    print(result.line())
    for name, value in result.figures.items():
        print(f"  {name}: {value:.3f}" if isinstance(value, float) else f"  {name}: {value}")
    for note in result.notes:
        print(" ", note)


if __name__ == "__main__":
    main()
