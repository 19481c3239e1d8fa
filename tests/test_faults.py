"""Faults: a load killed at any point lands whole or not at all; concurrent loads; foreign holders.

The kill points use the tiny hook ``etl.load._test_pause``: with ``SERVICEMIRROR_TEST_PAUSE=<stage>``
the CLI prints ``PAUSE <stage>`` on stderr and sleeps, and the test SIGKILLs it there.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl import load

PAUSE_TIMEOUT = 60

COUNT_SQL = {
    "uploads": "select count(*) from uploads",
    "responses": "select count(*) from responses",
    "answers": "select count(*) from answers",
    "comments": "select count(*) from comments",
}


def counts(path: Path, wait: float = 5.0) -> dict[str, int]:
    """Row counts of the tables a load writes, plus the stored data version."""
    with db.reading(path, wait=wait) as con:
        out = {name: con.execute(sql).fetchall()[0][0] for name, sql in COUNT_SQL.items()}
        out["data_version"] = int(queries.scalar(con, "meta_get", key="data_version"))
    return out


def cli(*args, env=None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "servicemirror.cli", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        **kwargs,
    )


def wait_for_pause(proc: subprocess.Popen, stage: str) -> None:
    """Read stderr until the process reports the pause (or fail with what it said)."""
    deadline = time.monotonic() + PAUSE_TIMEOUT
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if line.strip() == f"PAUSE {stage}":
            return
    proc.kill()
    raise AssertionError(f"never paused at {stage}: {''.join(seen)}")


@pytest.fixture
def base(tmp_path, small_forum_files):
    """A database holding the patron upload; the staff file is the one the tests load."""
    patron = next(f for f in small_forum_files if "patron" in f.name)
    staff = next(f for f in small_forum_files if "staff" in f.name)
    path = tmp_path / "f.duckdb"
    load.load_file(path, patron, loaded_by="test")
    return path, staff


KILL_STAGES = ["parsing", "locked", "mid-insert", "before-commit", "committed"]


@pytest.mark.slow
def test_sigkill_at_every_stage_leaves_all_or_nothing(tmp_path, base):
    """Five kill points, each in its own copy, killed in parallel (one CLI start-up each)."""
    path, staff = base
    before = counts(path)
    procs = {}
    for stage in KILL_STAGES:
        copy = tmp_path / stage / "f.duckdb"
        copy.parent.mkdir()
        for suffix in ("", ".version"):
            Path(f"{copy}{suffix}").write_bytes(Path(f"{path}{suffix}").read_bytes())
        env = dict(os.environ, SERVICEMIRROR_TEST_PAUSE=stage)
        procs[stage] = (copy, cli("load", staff, "--db", copy, "--json", env=env))
    for stage, (copy, proc) in procs.items():
        wait_for_pause(proc, stage)
        if stage in ("mid-insert", "before-commit"):
            # half an upload sits in an open transaction: a reader waits, never sees it
            with pytest.raises(db.DatabaseBusy, match="another Service Mirror process"):
                counts(copy, wait=0.3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL
        if stage != "parsing":  # parsing runs before any lock is taken
            # the lock FILE stays behind; the flock on it died with the process
            assert Path(f"{copy}.lock").exists()
        started = time.monotonic()
        after = counts(copy, wait=2.0)  # opens cleanly (replays the WAL if there is one)
        assert time.monotonic() - started < 1.5, "a stale lock blocked the next reader"
        if stage == "committed":
            assert after["uploads"] == before["uploads"] + 1
            assert after["responses"] > before["responses"]
            assert after["data_version"] == before["data_version"] + 1
        else:
            assert after == before, stage  # none of it, not even the upload row
        # and the file takes the same upload afterwards: whole, exactly once
        report = load.load_file(copy, staff, loaded_by="test")
        assert report.status == ("duplicate" if stage == "committed" else "loaded")
        final = counts(copy)
        assert final["uploads"] == before["uploads"] + 1
        assert final["responses"] == before["responses"] + 94  # 94 staff respondents
        assert final["answers"] == before["answers"] + 94 * 6  # 5 wellbeing items + eNPS


@pytest.mark.slow
def test_stale_lock_file_from_a_killed_writer_does_not_block(tmp_path, base):
    path, staff = base
    env = dict(os.environ, SERVICEMIRROR_TEST_PAUSE="locked")
    proc = cli("load", staff, "--db", path, "--json", env=env)
    wait_for_pause(proc, "locked")
    with pytest.raises(db.DatabaseBusy):  # held while the writer lives
        with db.writing(path, wait=0.3):
            pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=10)
    started = time.monotonic()
    with db.writing(path, wait=5.0):  # exclusive, right after the kill
        pass
    assert time.monotonic() - started < 1.0


def _bigger_file(path: Path, respondents: int, tag: str) -> Path:
    lines = ["library,period,respondent_type,respondent_id,item,value"]
    for r in range(respondents):
        lib = ("Alfa", "Beta", "Gamma")[r % 3]
        for item in ("core_sat", "core_nps", "tp_counter"):
            value = 1 + (r * 7 + len(item)) % 5 if item != "core_nps" else r % 11
            lines.append(f"{lib},2025,patron,{tag}-{r},{item},{value}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.slow
def test_two_cli_loads_at_once_both_land(tmp_path):
    path = tmp_path / "two.duckdb"  # neither process finds a database: both may create it
    a = _bigger_file(tmp_path / "a.csv", 3000, "a")
    b = _bigger_file(tmp_path / "b.csv", 2000, "b")
    procs = [cli("load", f, "--db", path, "--json") for f in (a, b)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [r[1] for r in results]
    after = counts(path)
    assert after["uploads"] == 2
    assert after["responses"] == 5000 and after["answers"] == 15000
    assert after["data_version"] == 2


@pytest.mark.slow
def test_thread_and_cli_load_at_once_and_reads_never_see_half(tmp_path, small_forum_files):
    path = tmp_path / "mixed.duckdb"
    load.load_file(path, small_forum_files[0], loaded_by="test")
    start = counts(path)
    a = _bigger_file(tmp_path / "a.csv", 4000, "a")
    b = _bigger_file(tmp_path / "b.csv", 4000, "b")
    proc = cli("load", b, "--db", path, "--json")
    errors: list[BaseException] = []

    def in_process() -> None:
        try:
            load.load_file(path, a, loaded_by="thread")
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread's assert
            errors.append(exc)

    thread = threading.Thread(target=in_process)
    thread.start()
    # a reader keeps reading in a second process while both loads run
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(tmp_path / "stop")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out, err = proc.communicate(timeout=120)
    thread.join(timeout=120)
    (tmp_path / "stop").touch()
    read_out, read_err = reader.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert errors == []
    assert reader.returncode == 0, read_err
    final = counts(path)
    assert final["uploads"] == start["uploads"] + 2
    assert final["responses"] == start["responses"] + 8000
    assert final["answers"] == start["answers"] + 24000
    # every read saw a whole state: the start, one load landed, or both; never half of one
    allowed = {start["answers"] + k * 12000 for k in (0, 1, 2)}
    seen = [int(x) for x in read_out.split()]
    reads, slowest_ms, observed = seen[0], seen[1], set(seen[2:])
    print(f"reader: {reads} reads, slowest {slowest_ms} ms, answer counts seen {sorted(observed)}")
    assert reads >= 3 and observed <= allowed, (observed, allowed)
    assert slowest_ms < 20_000  # bounded: a read waits for a write's insert + commit, no longer


READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from servicemirror.core import db
    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    deadline = time.monotonic() + 120
    reads, slowest, seen = 0, 0.0, set()
    while time.monotonic() < deadline and not stop.exists():
        started = time.monotonic()
        with db.reading(path) as con:
            seen.add(con.execute("select count(*) from answers").fetchall()[0][0])
        slowest = max(slowest, time.monotonic() - started)
        reads += 1
        time.sleep(0.02)
    print(reads, int(slowest * 1000), *sorted(seen), flush=True)
    """
)


HOLDER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])  # a raw read-write connection, no Service Mirror lock
    print("holding", flush=True)
    time.sleep(30)
    """
)


@pytest.mark.slow
def test_database_held_by_another_program_is_one_line(tmp_path, base):
    path, staff = base
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        for args in (("uploads",), ("load", staff, "--json"), ("export", "--out", tmp_path / "x")):
            done = subprocess.run(
                [sys.executable, "-m", "servicemirror.cli", *map(str, args), "--db", str(path)],
                capture_output=True,
                text=True,
                timeout=60,
            )
            assert done.returncode == 1, (args, done.stderr)
            assert done.stderr.count("\n") == 1, done.stderr
            assert "Traceback" not in done.stderr
            assert "Is another program (not Service Mirror) holding it open?" in done.stderr
    finally:
        holder.kill()
        holder.communicate(timeout=10)
    assert counts(path)["uploads"] == 1  # nothing half-written while it was held
