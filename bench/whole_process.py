"""Benchmark 6: a Qualtrics staff export into a new database as a whole ``servicemirror load``
process, vs a bare Python process that has DuckDB ``read_csv`` the same file into a table.

Both are timed from outside, start to exit, so the product pays what a user waits for: the
interpreter starting, the command line's imports, sniffing and reading the file, the checks, the
write and its commit (with whatever the write refreshes). The ceiling is the least any Python
program can do with the file: start, import duckdb, ``create table ... as select * from
read_csv(file)``, checkpoint, exit. The export (400,000 respondents x 5 items at national scale,
about 60 MB; ``bench.generate.qualtrics_staff_export``) is made once in the work folder. Each run
loads into a new database. Target: product <= 2.0 x ceiling (median of the runs).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from bench.common import ROOT, Result, median, remove_db
from bench.generate import SCALES, qualtrics_staff_export

TARGET = 2.0

# the ceiling's whole program: what a bare read of the file into DuckDB costs as a process
CEILING = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "con.execute('create table t as select * from read_csv(?)', [sys.argv[2]])\n"
    "con.execute('checkpoint')\n"
    "con.close()\n"
)


def _command() -> list[str]:
    """The installed ``servicemirror`` command beside this interpreter (the user's entry point),
    else the same entry point through ``-c``."""
    script = Path(sys.executable).parent / "servicemirror"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from servicemirror.cli import main; main()"]


def _timed(argv: list[str]) -> tuple[float, str]:
    """Run one process to its end; (wall seconds, stdout). A failing process raises."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, done.stdout


def run(scale: str, work: Path, runs: int = 3) -> Result:
    """Benchmark 6 at ``scale`` (the export's size), files and databases under ``work``."""
    # named by scale: a tiny run and a national run may share a work folder
    export = work / "files" / f"qualtrics_staff_{scale}.csv"
    path, respondents = qualtrics_staff_export(SCALES[scale], export)
    db = work / "bench6.duckdb"
    product, ceiling, answers = [], [], 0
    for _ in range(runs):
        remove_db(db)
        seconds, out = _timed(
            [*_command(), "load", str(path), "--as", "staff", "--db", str(db), "--json"]
        )
        report = json.loads(out)
        report = report[0] if isinstance(report, list) else report
        if report.get("status") != "loaded":
            raise RuntimeError(f"benchmark 6: the export did not load ({report.get('status')})")
        answers = sum(int(i["n"]) for i in report.get("items", []))
        product.append(seconds)
        remove_db(db)
        ceiling.append(_timed([sys.executable, "-c", CEILING, str(db), str(path)])[0])
    remove_db(db)
    ratio = median(product) / median(ceiling)
    return Result(
        key="6",
        title="Qualtrics export, whole `servicemirror load` process vs a bare read_csv process",
        ratio=ratio,
        target=f"<= {TARGET}",
        ok=ratio <= TARGET,
        figures={
            "respondents": respondents,
            "answers": answers,
            "file MB": round(path.stat().st_size / 1e6, 1),
            "product s": median(product),
            "ceiling s": median(ceiling),
            "runs": runs,
        },
    )
