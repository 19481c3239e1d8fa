"""What every benchmark shares: timing statistics, child processes with their peak memory, the
machine description, the national database and the results table.

A benchmark measures the product and a ceiling in the same run and reports their ratio; machines
are noisy, so each figure is the median of several runs. Imports, file copies and database set-up
are never inside a timed section: a child process times only the operation itself and reports it
as JSON, and the parent adds the child's peak resident memory (``os.wait4``'s rusage, for that
child alone).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


@dataclass
class Result:
    """One benchmark's outcome: figures for the table and the ratio against its target.

    ``ratio`` is product / ceiling in the direction the target is written (rows/s ratio for the
    imports, time ratio for queries and the browser); ``ok`` says whether the target is met.
    ``figures``: name -> value (seconds, rows/s, MB) for RESULTS.md; ``notes``: short lines.
    """

    key: str
    title: str
    ratio: float | None
    target: str
    ok: bool | None
    figures: dict[str, float | int | str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def line(self) -> str:
        """One printable line: title, ratio vs target, verdict."""
        ratio = "n/a" if self.ratio is None else f"{self.ratio:.2f}"
        verdict = {True: "met", False: "MISSED", None: "-"}[self.ok]
        return f"[{self.key}] {self.title}: ratio {ratio} (target {self.target}) {verdict}"


def median(values: list[float]) -> float:
    """The median (the figure every benchmark reports)."""
    return float(statistics.median(values))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) with linear interpolation; the max for q=100."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return float(ordered[0])
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return float(ordered[low] + (ordered[high] - ordered[low]) * (pos - low))


def machine() -> dict[str, str | int | float]:
    """nproc, RAM (GiB), CPU model, Python, DuckDB, load average: RESULTS.md's machine line."""
    import duckdb

    cpu = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "nproc": os.cpu_count() or 0,
        "ram_gib": round(ram, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        # other work on the machine skews every figure: recorded so a noisy run is recognisable
        "load_1min": round(os.getloadavg()[0], 2),
    }


def run_child(task: str, args: dict, timeout: float = 1800) -> dict:
    """Run ``bench.child`` TASK in a fresh interpreter; its JSON result plus ``peak_rss_mb``.

    The peak is the child's own maximum resident set (``os.wait4``), so the parent's memory and
    earlier children never count. A failing child raises RuntimeError with its stderr.
    """
    with tempfile.TemporaryDirectory(prefix="sm-bench-child-") as tmp:
        out, err = Path(tmp) / "out.json", Path(tmp) / "err.txt"
        with out.open("w") as fo, err.open("w") as fe:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bench.child", task, json.dumps(args)],
                cwd=ROOT,
                stdout=fo,
                stderr=fe,
            )
            try:
                _, status, usage = _wait(proc, timeout)
            finally:
                if proc.poll() is None and proc.returncode is None:
                    proc.kill()
        if status != 0:
            raise RuntimeError(f"bench.child {task} failed ({status}): {err.read_text()[-2000:]}")
        result = json.loads(out.read_text())
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def _wait(proc: subprocess.Popen, timeout: float):
    """os.wait4 on the child with a deadline (polling: wait4 itself has no timeout)."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            # Popen must not wait for a child we reaped ourselves
            proc.returncode = os.waitstatus_to_exitcode(status)
            return pid, proc.returncode, usage
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"child {proc.args[3]} ran longer than {timeout:.0f} s")
        time.sleep(0.05)


def fresh_dir(path: Path) -> Path:
    """An empty directory (removed first if it exists)."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def remove_db(db_path: Path) -> None:
    """Remove a database file and its sidecars (.wal, .lock, .version, .intent)."""
    for suffix in ("", ".wal", ".lock", ".version", ".intent"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)


def append_results(scale: str, results: list[Result], info: dict, seconds: float) -> str:
    """Append one run (a dated section with the machine and a table) to bench/RESULTS.md."""
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    head = (
        f"## {stamp}, scale {scale}\n\n"
        f"Machine: {info['nproc']} cores (nproc), {info['ram_gib']} GiB RAM, {info['cpu']}; "
        f"Python {info['python']}, DuckDB {info['duckdb']}; load average {info['load_1min']} at the "
        f"start, {os.getloadavg()[0]:.2f} at the end. Whole run {seconds / 60:.1f} min.\n\n"
        "| # | benchmark | ratio | target | met | figures |\n|---|---|---|---|---|---|\n"
    )
    rows = []
    for r in results:
        ratio = "n/a" if r.ratio is None else f"{r.ratio:.2f}"
        met = {True: "yes", False: "**no**", None: "-"}[r.ok]
        figures = "; ".join(f"{k} {_fmt(v)}" for k, v in r.figures.items())
        rows.append(f"| {r.key} | {r.title} | {ratio} | {r.target} | {met} | {figures} |")
    notes = [f"- [{r.key}] {n}" for r in results for n in r.notes]
    text = head + "\n".join(rows) + "\n" + ("\n" + "\n".join(notes) + "\n" if notes else "") + "\n"
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Benchmark results\n\nAppended by `python -m bench.run_all` (`make bench`); each "
            "figure is a median of several runs, each ratio compares the product with a ceiling "
            "measured in the same run (see bench/README.md).\n\n"
        )
    with RESULTS.open("a") as fh:
        fh.write(text)
    return text


def _fmt(value) -> str:
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)
