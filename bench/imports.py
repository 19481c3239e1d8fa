"""Benchmarks 1 and 2: importing the large exports, product vs DuckDB's own ``read_csv``.

1. The Qualtrics-style wide export (200,000 respondents x 25 items at national scale) through
   ``load_file`` (what ``servicemirror load`` runs) into a fresh database, vs
   ``create table ... as select * from read_csv(...)`` of the same answers as a long file.
   Both in rows per second: answers stored / s vs long rows / s. Target: >= 0.5.
2. The kiosk press exports (50 million presses in monthly files) through ``load_file`` vs a
   pure-SQL ``read_csv`` of the same files counted per hour, location, question and button into
   a table (one statement, types sniffed by DuckDB). Presses / s both ways; target >= 0.8, with
   the product's peak memory < 2 GB (the child process's own peak RSS).

Each run is a fresh child process and a fresh database (the same file loaded twice is a no-op by
design); libraries are registered before the clock starts.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import Result, median, remove_db, run_child
from bench.generate import library_names

WIDE_TARGET = 0.5
KIOSK_TARGET = 0.8
KIOSK_MEMORY_MB = 2048


def kiosk_files(manifest: dict) -> list[str]:
    """The monthly press files of a manifest, in month order."""
    return sorted(p for k, p in manifest["files"].items() if k.startswith("kiosk_presses_"))


def _scale(manifest: dict):
    from bench.generate import Scale

    return Scale(**manifest["scale"])


def _runs(task: str, args: dict, db: Path, runs: int) -> list[dict]:
    out = []
    for _ in range(runs):
        remove_db(db)
        out.append(run_child(task, args | {"db": str(db)}))
        remove_db(db)
    return out


def wide_import(manifest: dict, work: Path, runs: int = 3, profile: Path | None = None) -> Result:
    """Benchmark 1: the wide Qualtrics export vs read_csv of its long twin."""
    names = library_names(_scale(manifest))
    db = work / "bench1.duckdb"
    product = _runs(
        "load", {"files": [manifest["files"]["qualtrics_wide"]], "register": names}, db, runs
    )
    if profile is not None:
        # one extra, profiled run: where the time goes (the timed runs are not profiled)
        remove_db(db)
        run_child(
            "load",
            {
                "db": str(db),
                "files": [manifest["files"]["qualtrics_wide"]],
                "register": names,
                "profile": str(profile),
            },
        )
        remove_db(db)
    ceiling = _runs("read_csv", {"files": [manifest["files"]["qualtrics_long"]]}, db, runs)
    answers = product[0]["answers"]
    rows = ceiling[0]["rows"]
    p_rate = answers / median([r["seconds"] for r in product])
    c_rate = rows / median([r["seconds"] for r in ceiling])
    ratio = p_rate / c_rate
    return Result(
        key="1",
        title="wide export import (load_file) vs read_csv of the long file",
        ratio=ratio,
        target=f">= {WIDE_TARGET}",
        ok=ratio >= WIDE_TARGET,
        figures={
            "respondents": manifest["rows"]["qualtrics_wide"],
            "answers": answers,
            "product s": median([r["seconds"] for r in product]),
            "product rows/s": p_rate,
            "ceiling s": median([r["seconds"] for r in ceiling]),
            "ceiling rows/s": c_rate,
            "product peak MB": max(r["peak_rss_mb"] for r in product),
            "runs": runs,
        },
    )


def kiosk_import(
    manifest: dict, work: Path, runs: int = 3, earlier: list[dict] | None = None
) -> Result:
    """Benchmark 2: the monthly kiosk press files vs read_csv + hourly counts of the same files.

    ``earlier``: product runs already made (the national database build loads the same files),
    counted towards ``runs``.
    """
    names = library_names(_scale(manifest))
    files = kiosk_files(manifest)
    db = work / "bench2.duckdb"
    product = list(earlier or [])
    product += _runs("load", {"files": files, "register": names}, db, max(0, runs - len(product)))
    ceiling = _runs("read_csv_hourly", {"files": files}, db, runs)
    presses = manifest["rows"]["kiosk_presses"]
    p_sec = median([r["seconds"] for r in product])
    c_sec = median([r["seconds"] for r in ceiling])
    ratio = c_sec / p_sec
    peak = max(r["peak_rss_mb"] for r in product)
    return Result(
        key="2",
        title="kiosk presses import (load_file) vs read_csv + hourly counts",
        ratio=ratio,
        target=f">= {KIOSK_TARGET}, peak < {KIOSK_MEMORY_MB} MB",
        ok=ratio >= KIOSK_TARGET and peak < KIOSK_MEMORY_MB,
        figures={
            "presses": presses,
            "files": len(files),
            "product s": p_sec,
            "product presses/s": presses / p_sec,
            "ceiling s": c_sec,
            "ceiling rows/s": presses / c_sec,
            "hourly rows": ceiling[0]["groups"],
            "product peak MB": peak,
            "ceiling peak MB": max(r["peak_rss_mb"] for r in ceiling),
            "runs": len(product),
        },
    )
