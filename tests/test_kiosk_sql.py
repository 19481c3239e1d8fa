"""Kiosk press files go through DuckDB end to end (etl/readers/kiosk_presses.py, etl/kiosk_names.py).

The hourly counts are made in SQL and handed to the loader as Arrow; library and branch names
are resolved once per distinct location and joined to the rows in the insert. These tests check
the shortcuts against a count made here in plain Python from the presses written to the file.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow as pa

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl import load, names
from servicemirror.etl.detect import sniff
from servicemirror.etl.readers import kiosk_presses

HEADER = "Tidspunkt;Bibliotek;Filial;Terminal;Spørgsmål;Svar\n"
PLACES = [
    ("Gentofte Bibliotekerne", "Hovedbiblioteket", "T-1"),
    ("Gentofte Bibliotekerne", "Hellerup", "T-2"),
    ("Lyngby-Taarbæk Bibliotekerne", "Stadsbiblioteket", "T-3"),
]
QUESTION = "Hvordan var dit besøg i dag?"
WORDS = {1: "Meget utilfreds", 2: "Utilfreds", 3: "Tilfreds", 4: "Meget glad"}


def _presses(n: int = 600) -> list[tuple[datetime, int, int]]:
    """(time, place index, button) of n presses over three days, deterministic."""
    start = datetime(2025, 3, 3, 9, 0, 0)
    return [
        (start + timedelta(days=i % 3, seconds=(i * 7919) % 36000), i % 3, 1 + (i * 31) % 4)
        for i in range(n)
    ]


def _write(path: Path, presses, messy: bool = False) -> Path:
    lines = [HEADER]
    for i, (when, place, button) in enumerate(presses):
        library, branch, terminal = PLACES[place]
        cell = str(button)
        if messy:
            # spaces around the cells and the happiest face sometimes as its word: the counts
            # must fold into the same groups as the clean file's
            library, branch = f" {library} ", f"{branch}  "
            cell = WORDS[button] if button == 4 and i % 2 else f" {button}"
        stamp = when.strftime("%d-%m-%Y %H:%M:%S")
        lines.append(f"{stamp};{library};{branch};{terminal};{QUESTION};{cell}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _expected(presses) -> dict[tuple[str, int, int], int]:
    """Presses per (place, date, hour, button), counted in Python."""
    return dict(Counter((p, w.date().isoformat(), w.hour, b) for w, p, b in presses))


def _hourly(db_path: Path) -> dict[tuple[str, int, int], int]:
    branch_of = {f"/{b.lower()}": i for i, (_, b, _) in enumerate(PLACES)}
    with db.reading(db_path) as con:
        rows = queries.run(con, "backup_table", name="kiosk_counts")
    out: Counter = Counter()
    for r in rows.itertuples():
        place = next(i for suffix, i in branch_of.items() if r.branch_key.endswith(suffix))
        out[(place, str(r.date)[:10], int(r.hour), int(r.button))] += int(r.n)
    return dict(out)


def _spy_queries(monkeypatch) -> list[str]:
    used: list[str] = []
    original = queries.sql.__wrapped__

    def spy(name: str) -> str:
        used.append(name)
        return original(name)

    monkeypatch.setattr(queries, "sql", spy)
    return used


def test_clean_and_folding_paths_store_the_same_counts(tmp_path, monkeypatch):
    presses = _presses()
    expected = _expected(presses)
    used = _spy_queries(monkeypatch)
    clean = load.load_file(tmp_path / "a.duckdb", _write(tmp_path / "a.csv", presses))
    assert "kiosk_presses_counts_clean" in used and "kiosk_presses_counts" not in used
    used.clear()
    messy = load.load_file(tmp_path / "b.duckdb", _write(tmp_path / "b.csv", presses, True))
    assert "kiosk_presses_counts" in used and "kiosk_presses_counts_clean" not in used
    assert clean.valid_responses == messy.valid_responses == len(presses)
    assert clean.libraries == messy.libraries
    assert clean.rejected == messy.rejected == []
    assert _hourly(tmp_path / "a.duckdb") == expected
    assert _hourly(tmp_path / "b.duckdb") == expected
    # one stored row per group: "4" and "Meget glad" folded into one count
    with db.reading(tmp_path / "b.duckdb") as con:
        stored = queries.run(con, "backup_table", name="kiosk_counts")
    assert len(stored) == len(expected)


def test_press_reader_hands_arrow_to_the_loader(tmp_path):
    path = _write(tmp_path / "a.csv", _presses(50))
    result = kiosk_presses.read_presses(path, sniff(path), None)
    assert isinstance(result.kiosk, pa.Table)
    assert result.kiosk.column_names == [
        "row",
        "library",
        "branch",
        "terminal",
        "date",
        "hour",
        "question",
        "button",
        "n",
    ]
    assert sum(result.kiosk.column("n").to_pylist()) == 50


def test_locations_are_resolved_once_per_pair_not_per_row(tmp_path, monkeypatch):
    sizes: list[int] = []
    original = names._LibraryResolver._match_rows

    def spy(self, frame, problems):
        sizes.append(len(frame))
        return original(self, frame, problems)

    monkeypatch.setattr(names._LibraryResolver, "_match_rows", spy)
    presses = _presses()
    report = load.load_file(tmp_path / "a.duckdb", _write(tmp_path / "a.csv", presses))
    # three places, hundreds of hourly rows: the resolver saw three pairs, never the rows
    assert sizes == [len(PLACES)]
    assert len(_expected(presses)) > 100
    assert report.libraries == {
        "Gentofte Bibliotekerne": sum(1 for _, p, _ in presses if p < 2),
        "Lyngby-Taarbæk Bibliotekerne": sum(1 for _, p, _ in presses if p == 2),
    }


def test_rows_of_an_unresolved_location_are_each_reported(tmp_path):
    presses = _presses(300)
    path = _write(tmp_path / "a.csv", presses)
    # the third place's library cell blanked: its hourly rows cannot be placed
    text = path.read_text(encoding="utf-8").replace("Lyngby-Taarbæk Bibliotekerne", "")
    path.write_text(text, encoding="utf-8")
    report = load.load_file(tmp_path / "a.duckdb", path)
    blank = {k: n for k, n in _expected(presses).items() if k[0] == 2}
    assert len(report.rejected) == len(blank)
    assert {r["column"] for r in report.rejected} == {"library"}
    assert len({r["row"] for r in report.rejected}) == len(blank)
    assert report.valid_responses == sum(1 for _, p, _ in presses if p != 2)
    assert _hourly(tmp_path / "a.duckdb") == {
        k: n for k, n in _expected(presses).items() if k[0] != 2
    }


def test_a_line_the_parser_cannot_split_is_reported_with_its_line(tmp_path):
    presses = _presses(40)
    path = _write(tmp_path / "a.csv", presses)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # line 6 of the file (the 5th press) gets two extra cells
    lines[5] = lines[5].rstrip("\n") + ";x;y\n"
    path.write_text("".join(lines), encoding="utf-8")
    report = load.load_file(tmp_path / "a.duckdb", path)
    assert [r["row"] for r in report.rejected] == [6]
    assert report.valid_responses == len(presses) - 1
