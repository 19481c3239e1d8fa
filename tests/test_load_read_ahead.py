"""Several files in one command: the next file is read while the one before it is written.

``etl.load.load_file(..., read_next=B)`` starts the reader's pass over B (no database read) on a
background thread before A's write, and the following ``load_file(B)`` takes that reading. These
tests check that a load with the reading ahead stores exactly what loads one after the other
store, that a reading is used only for the same unchanged file with the same options, and that a
refusal or a duplicate still belongs to its own file.
"""

from __future__ import annotations

import dataclasses
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.etl.readers import kiosk_presses

HEADER = "Tidspunkt;Bibliotek;Filial;Terminal;Spørgsmål;Svar\n"
PLACES = [("Gentofte Bibliotekerne", "Hellerup", "T-1"), ("Lyngby Bibliotek", "Lyngby", "T-2")]


def _write(path: Path, day: int, n: int = 300) -> Path:
    start = datetime(2025, 3, day, 9, 0, 0)
    lines = [HEADER]
    for i in range(n):
        library, branch, terminal = PLACES[i % 2]
        stamp = (start + timedelta(seconds=(i * 7919) % 36000)).strftime("%d-%m-%Y %H:%M:%S")
        lines.append(f"{stamp};{library};{branch};{terminal};Hvordan var dit besøg?;{1 + i % 4}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _counts(db_path: Path) -> list[tuple]:
    with db.reading(db_path) as con:
        rows = queries.run(con, "backup_table", name="kiosk_counts")
    key = ["library_key", "branch_key", "terminal", "date", "hour", "question", "button", "n"]
    return sorted(tuple(str(v) for v in r) for r in rows[key].itertuples(index=False))


def _reads_on(monkeypatch) -> list[str]:
    """The name of the thread each press file is read on."""
    threads: list[str] = []
    original = kiosk_presses.read_presses

    def spy(path, sniffed, options):
        threads.append(threading.current_thread().name)
        return original(path, sniffed, options)

    reader = load.READERS["kiosk_presses"]
    monkeypatch.setitem(load.READERS, "kiosk_presses", dataclasses.replace(reader, read=spy))
    return threads


def test_read_ahead_stores_what_one_after_the_other_stores(tmp_path, monkeypatch):
    files = [_write(tmp_path / f"m{d}.csv", d, 200 + 50 * d) for d in (3, 4, 5)]
    plain = tmp_path / "plain.duckdb"
    for f in files:
        assert load.load_file(plain, f).status == "loaded"
    threads = _reads_on(monkeypatch)
    ahead = tmp_path / "ahead.duckdb"
    reports = [
        load.load_file(ahead, f, read_next=files[i + 1] if i + 1 < len(files) else None)
        for i, f in enumerate(files)
    ]
    assert [r.status for r in reports] == ["loaded"] * 3
    # the first file is read when its load begins, the other two ahead, each exactly once
    assert len(threads) == 3
    assert threads[0] == threading.current_thread().name
    assert all(t.startswith("servicemirror-read-ahead") for t in threads[1:])
    assert _counts(ahead) == _counts(plain)
    assert [r.valid_responses for r in reports] == [350, 400, 450]
    assert not load._READ_AHEAD  # every reading ahead was taken


def test_a_file_changed_after_its_reading_ahead_is_read_again(tmp_path, monkeypatch):
    first, second = _write(tmp_path / "a.csv", 3), _write(tmp_path / "b.csv", 4)
    threads = _reads_on(monkeypatch)
    dbp = tmp_path / "x.duckdb"
    load.load_file(dbp, first, read_next=second)
    load._AHEAD.submit(lambda: None).result()  # the reading ahead has finished
    _write(second, 4, n=120)  # rewritten: other size, other mtime
    os.utime(second, ns=(1, 1))
    report = load.load_file(dbp, second)
    assert report.valid_responses == 120
    assert threads[-1] == threading.current_thread().name


def test_other_options_are_not_served_a_reading_ahead(tmp_path, monkeypatch):
    first, second = _write(tmp_path / "a.csv", 3), _write(tmp_path / "b.csv", 4)
    threads = _reads_on(monkeypatch)
    dbp = tmp_path / "x.duckdb"
    load.load_file(dbp, first, read_next=second)
    report = load.load_file(dbp, second, format="kiosk_presses")
    assert report.status == "loaded"
    assert threads[-1] == threading.current_thread().name


def test_refusal_and_duplicate_stay_with_their_own_file(tmp_path):
    good = _write(tmp_path / "a.csv", 3)
    broken = tmp_path / "b.csv"
    broken.write_text("Tidspunkt;Svar\nnot a time;1\n", encoding="utf-8")
    dbp = tmp_path / "x.duckdb"
    assert load.load_file(dbp, good, read_next=broken).status == "loaded"
    with pytest.raises(load.LoadRefused):
        load.load_file(dbp, broken, read_next=good)
    assert load.load_file(dbp, good).status == "duplicate"
    # the same file twice in one command (`load c c`): loaded once, then a duplicate
    twice = _write(tmp_path / "c.csv", 5)
    assert load.load_file(dbp, twice, read_next=twice).status == "loaded"
    assert load.load_file(dbp, twice).status == "duplicate"
    with db.reading(dbp) as con:
        assert len(queries.run(con, "uploads_list")) == 2
