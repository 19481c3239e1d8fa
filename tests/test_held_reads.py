"""Held read connections (servicemirror.core.db, "held read connections"): the dashboard reuses
one read connection per database, and a writer still gets in within a fraction of a second."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from servicemirror import queries
from servicemirror.core import db

# a writer in another process: how long it waited for the lock, then the new k_staff committed
WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from servicemirror import queries
    from servicemirror.core import db
    path = Path(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()  # the test says when to write
    started = time.monotonic()
    with db.writing(path) as con:
        waited = time.monotonic() - started
        queries.execute(con, "setting_set", key="k_staff", value=sys.argv[2])
    print(f"{waited:.3f}", flush=True)
    """
)


@pytest.fixture
def held(tmp_path):
    """A small database, and this process keeping its read connections open."""
    path = tmp_path / "held.duckdb"
    with db.writing(path, create=True) as con:
        queries.execute(con, "setting_set", key="k_staff", value="5")
    before = db._KEEP_READS_OPEN
    db.keep_reads_open()
    yield path
    db.keep_reads_open(before)
    db.let_go()


def k_staff(path: Path) -> str | None:
    with db.reading(path) as con:
        return queries.scalar(con, "setting_get", key="k_staff")


def write_from_another_process(path: Path, value: str, while_waiting=None, before_go=None) -> float:
    """Start a writer process, let it write, return how long it waited for the lock.

    ``before_go`` runs once the writer process is up and before it is told to write (a process
    start can take longer than a slow read on a busy machine); ``while_waiting`` right after."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), value],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        if before_go is not None:
            before_go()
        writer.stdin.write("go\n")
        writer.stdin.flush()
        if while_waiting is not None:
            while_waiting()
        waited = float(writer.stdout.readline())
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == 0
    return waited


def test_reads_reuse_one_connection_and_check_the_schema_once(held, monkeypatch):
    checks = []
    real = db._check_version
    monkeypatch.setattr(db, "_check_version", lambda con, p: checks.append(p) or real(con, p))
    for _ in range(20):
        assert k_staff(held) == "5"
    assert len(checks) == 1
    assert db.held_count() == 1


def test_a_writer_gets_in_while_the_connection_is_held_and_readers_then_see_new_data(held):
    assert k_staff(held) == "5"
    assert db.held_count() == 1  # held open, with its shared lock, after the read ended
    waited = write_from_another_process(held, "7")
    assert waited < 1.0  # the watcher lets go within WATCH_SECONDS of the writer lining up
    assert db.held_count() == 0
    assert k_staff(held) == "7"  # a fresh connection on the new data
    assert db.held_count() == 1


def test_a_writer_waits_only_for_the_query_that_is_running(held):
    """A read in progress when the writer lines up finishes; new reads queue behind the writer
    (they do not start on the held connection) and then see its data."""
    in_read = threading.Event()
    seen_after = []

    def long_read():
        with db.reading(held) as con:
            in_read.set()
            time.sleep(0.6)  # a slow page query
            assert queries.scalar(con, "setting_get", key="k_staff") == "5"

    reader = threading.Thread(target=long_read)

    def start_the_read():
        reader.start()
        assert in_read.wait(5)

    def read_while_writer_waits():
        time.sleep(0.3)  # the writer has lined up on the intent file by now
        seen_after.append(k_staff(held))

    waited = write_from_another_process(
        held, "8", while_waiting=read_while_writer_waits, before_go=start_the_read
    )
    reader.join(5)
    assert 0.2 < waited < 0.6 + 1.0
    assert seen_after == ["8"]


def test_a_write_in_this_process_lets_go_of_the_held_connection(held):
    assert k_staff(held) == "5"
    with db.writing(held) as con:
        queries.execute(con, "setting_set", key="k_staff", value="9")
    assert k_staff(held) == "9"


def test_a_refused_schema_is_not_held(held, monkeypatch):
    monkeypatch.setattr(db, "SCHEMA_VERSION", db.SCHEMA_VERSION + 1)
    with pytest.raises(db.DatabaseError, match="schema version"):
        k_staff(held)
    assert db.held_count() == 0


def test_short_lived_connections_without_keep(held):
    db.keep_reads_open(False)
    assert k_staff(held) == "5"
    assert db.held_count() == 0
