"""The press reader's quick paths give what its plain path gives (etl/readers/kiosk_presses.py).

Two shortcuts: the timestamp column read typed in one format (kiosk_presses_hourly_typed.sql),
with the all-text reading (kiosk_presses_hourly.sql) when a timestamp does not read; and the
sniffer's whole-file UTF-8 pass left to DuckDB's own validation (etl.detect.Sniffed). Each case
is read both ways here and the reports compared field by field, and with a count made in Python.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from servicemirror import queries
from servicemirror.etl import detect, load
from servicemirror.etl.detect import sniff
from servicemirror.etl.readers import kiosk_presses

HEADER = "Tidspunkt;Bibliotek;Filial;Terminal;Spørgsmål;Svar"
PLACE = "Gentofte Bibliotekerne;Hellerup;T-1;Hvordan var dit besøg i dag?"


def _lines(n: int, fmt: str = "%d-%m-%Y %H:%M:%S") -> list[str]:
    start = datetime(2025, 3, 3, 9, 0, 0)
    return [
        f"{(start + timedelta(seconds=(i * 7919) % 36000)).strftime(fmt)};{PLACE};{1 + i % 4}"
        for i in range(n)
    ]


def _write(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode(encoding))
    return path


def _spy(monkeypatch) -> list[str]:
    used: list[str] = []
    original = queries.sql.__wrapped__
    monkeypatch.setattr(queries, "sql", lambda name: used.append(name) or original(name))
    return used


def _plain(path: Path):
    """The reader's plain path: every cell as text, the encoding known before reading."""
    sniffed = sniff(path)
    assert sniffed.encoding  # the whole-file check, as before any shortcut
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(kiosk_presses, "_typed_format", lambda *a: None)
        return kiosk_presses.read_presses(path, sniffed, None)


def _same(quick, plain) -> None:
    assert quick.encoding == plain.encoding
    assert quick.records == plain.records
    assert [p.__dict__ for p in quick.rejected] == [p.__dict__ for p in plain.rejected]
    assert [str(w) for w in quick.warnings] == [str(w) for w in plain.warnings]
    key = ["library", "branch", "terminal", "date", "hour", "question", "button"]
    frames = [
        r.kiosk.to_pandas().drop(columns="row").sort_values(key).reset_index(drop=True)
        for r in (quick, plain)
    ]
    assert frames[0].equals(frames[1])


def _hours(result) -> Counter:
    rows = result.kiosk.to_pylist()
    return Counter({(str(r["date"]), r["hour"], r["button"]): r["n"] for r in rows})


def test_one_format_is_read_typed_with_the_same_counts(tmp_path, monkeypatch):
    lines = _lines(400)
    path = _write(tmp_path / "a.csv", lines)
    used = _spy(monkeypatch)
    quick = kiosk_presses.read_presses(path, sniff(path), None)
    assert "kiosk_presses_hourly_typed" in used and "kiosk_presses_hourly" not in used
    expected = Counter(
        (str(datetime.strptime(x[:19], "%d-%m-%Y %H:%M:%S").date()), int(x[11:13]), int(x[-1]))
        for x in lines
    )
    assert _hours(quick) == expected
    _same(quick, _plain(path))


@pytest.mark.parametrize(
    ("bad", "refused"),
    [
        ("31-02-2025 10:00:00", True),  # no such day
        ("2025-03-04T10:15:00", True),  # another format, read by the text path's clean-up
        (" 04-03-2025 10:15:00 ", None),  # spaces (DuckDB may take them in the typed read)
        ("", False),  # empty: null either way, an unreadable press
    ],
)
def test_a_timestamp_the_typed_read_refuses_falls_back_to_text(tmp_path, monkeypatch, bad, refused):
    lines = _lines(300)
    lines[150] = f"{bad};{PLACE};2"
    path = _write(tmp_path / "a.csv", lines)
    used = _spy(monkeypatch)
    quick = kiosk_presses.read_presses(path, sniff(path), None)
    assert "kiosk_presses_hourly_typed" in used
    if refused is not None:
        assert ("kiosk_presses_hourly" in used) is refused
    plain = _plain(path)
    _same(quick, plain)
    assert quick.records == 300


def test_a_line_with_too_many_cells_keeps_the_typed_result(tmp_path, monkeypatch):
    lines = _lines(200)
    lines[10] += ";x;y"
    path = _write(tmp_path / "a.csv", lines)
    used = _spy(monkeypatch)
    quick = kiosk_presses.read_presses(path, sniff(path), None)
    # a line DuckDB cannot split is no timestamp problem: no second reading
    assert "kiosk_presses_hourly_typed" in used and "kiosk_presses_hourly" not in used
    assert [p.row for p in quick.rejected] == [12]
    _same(quick, _plain(path))


def test_iso_timestamps_with_a_t_go_the_text_way_at_once(tmp_path, monkeypatch):
    path = _write(tmp_path / "a.csv", _lines(100, "%Y-%m-%dT%H:%M:%S.000+01:00"))
    used = _spy(monkeypatch)
    quick = kiosk_presses.read_presses(path, sniff(path), None)
    assert "kiosk_presses_hourly" in used and "kiosk_presses_hourly_typed" not in used
    assert sum(quick.kiosk.column("n").to_pylist()) == 100


# --------------------------------------------------------------------------- encodings

# more than the sniffer's first chunk of clean UTF-8 (Danish letters in every line)
BIG = (detect.CHUNK // 60) + 500


def test_a_utf8_file_is_not_read_twice_for_its_encoding(tmp_path, monkeypatch):
    path = _write(tmp_path / "a.csv", _lines(BIG))
    assert path.stat().st_size > detect.CHUNK
    passes: list[Path] = []
    real = detect.detect_encoding
    monkeypatch.setattr(detect, "detect_encoding", lambda p, s=None: passes.append(p) or real(p, s))
    report = load.load_file(tmp_path / "k.duckdb", path)
    assert report.status == "loaded" and report.encoding == "utf-8"
    assert passes == []  # DuckDB validated every cell it read; nothing to ask the sniffer


@pytest.mark.parametrize("where", ["counted", "extra"])
def test_latin1_after_the_first_chunk_is_found_as_before(tmp_path, where):
    """cp1252 bytes past the first chunk: in a counted cell DuckDB rejects the line and the
    reader asks the sniffer; in a column the count does not read DuckDB would not see them, so
    such a file is checked whole before reading. Either way: the plain path's report."""
    lines = _lines(BIG)
    if where == "extra":
        lines = [f"{x};ok" for x in lines]
        lines[-5] = lines[-5][:-2] + "Ærgerligt"
    else:
        lines[-5] = lines[-5].replace("Hellerup", "Hørsholm")
    header = HEADER + (";Kommentar" if where == "extra" else "")
    data = ("\n".join([header, *lines]) + "\n").encode("utf-8")
    # the one line in cp1252, the rest UTF-8: a file pasted together from two exports
    marker = ("Ærgerligt" if where == "extra" else "Hørsholm").encode("utf-8")
    data = data.replace(marker, marker.decode("utf-8").encode("cp1252"))
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    sniffed = sniff(path)
    assert sniffed.utf8_unchecked
    quick = kiosk_presses.read_presses(path, sniffed, None)
    plain = _plain(path)
    assert plain.encoding == "utf-8-mixed"
    _same(quick, plain)
    if where == "counted":
        branches = {r["branch"] for r in quick.kiosk.to_pylist()}
        assert branches == {"Hellerup", "Hørsholm"}


def test_sniffed_encoding_is_the_whole_file_check(tmp_path):
    clean = _write(tmp_path / "a.csv", _lines(50))
    latin = _write(tmp_path / "b.csv", _lines(50), encoding="cp1252")
    for path, expected in ((clean, "utf-8"), (latin, "cp1252")):
        sniffed = sniff(path)
        assert sniffed.encoding == detect.detect_encoding(path) == expected
    # the first chunk already tells: no pass is left for later
    assert not sniff(latin).utf8_unchecked and sniff(clean).utf8_unchecked


@pytest.mark.parametrize("quoted", [False, True])
def test_quotes_are_handled_only_when_the_file_has_one(tmp_path, monkeypatch, quoted):
    lines = _lines(200)
    if quoted:
        # a quoted cell holding the delimiter, far down the file: still one cell
        lines[150] = lines[150].replace("Hellerup", '"Hellerup; Kildeskovshallen"')
    path = _write(tmp_path / "a.csv", lines)
    assert kiosk_presses._has_quote(path) is quoted
    used = _spy(monkeypatch)
    quick = kiosk_presses.read_presses(path, sniff(path), None)
    assert "kiosk_presses_hourly_typed" in used and "kiosk_presses_hourly" not in used
    assert quick.rejected == []
    branches = {r["branch"] for r in quick.kiosk.to_pylist()}
    assert branches == ({"Hellerup", "Hellerup; Kildeskovshallen"} if quoted else {"Hellerup"})
    _same(quick, _plain(path))
