"""Per-upload costs of the load path: how often an upload opens the database, and that the
detectors' remembered word lists answer as freshly folded ones do."""

from __future__ import annotations

from pathlib import Path

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl import load, vocab

HEADER = "Tidspunkt;Bibliotek;Filial;Terminal;Spørgsmål;Svar\n"


def _presses(path: Path, day: int) -> Path:
    rows = [
        f"0{day}-03-2025 {9 + i % 8:02d}:{i % 60:02d}:00;Gentofte Bibliotekerne;Hellerup;T-1;"
        f"Hvordan var dit besøg i dag?;{1 + i % 4}\n"
        for i in range(40)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_an_upload_opens_the_database_once_for_its_checks(tmp_path, monkeypatch):
    """The checks before the write read the database three times (mapping profiles, known
    libraries and items, saved unit mappings); they share one held connection, closed after."""
    path = tmp_path / "k.duckdb"
    assert load.load_file(path, _presses(tmp_path / "a.csv", 3)).status == "loaded"
    opened = []
    real = db._connect
    monkeypatch.setattr(
        db, "_connect", lambda p, read_only: opened.append(read_only) or real(p, read_only)
    )
    report = load.load_file(path, _presses(tmp_path / "b.csv", 4))
    assert report.status == "loaded"
    # the schema check of upgrade, the one shared read connection, the write
    assert opened == [True, True, False]
    assert db.held_count() == 0  # nothing is left open after the upload
    with db.reading(path) as con:
        n = con.execute("select count(*) from uploads").fetchone()[0]
    assert n == 2


def test_holding_reads_shares_one_connection_and_closes_it(tmp_path):
    path = tmp_path / "h.duckdb"
    with db.writing(path, create=True) as con:
        queries.execute(con, "setting_set", key="k_staff", value="5")
    with db.holding_reads(path):
        for _ in range(3):
            with db.reading(path) as con:
                assert queries.scalar(con, "setting_get", key="k_staff") == "5"
        assert db.held_count() == 1
        # a write in the block lets go of it first and the next read sees the new value
        with db.writing(path) as con:
            queries.execute(con, "setting_set", key="k_staff", value="7")
        with db.reading(path) as con:
            assert queries.scalar(con, "setting_get", key="k_staff") == "7"
    assert db.held_count() == 0


def test_remembered_word_lists_answer_as_freshly_folded_ones():
    """The cached folding gives what folding each word on the spot gives (the detectors' old way)."""
    headers = ["Tidspunkt", "  BIBLIOTEK ", "Knap 3", "Meget glad", "Svar", "År", "e-mail", "x"]
    for header in headers:
        norm = vocab.normalise_label(header)
        for field, words in vocab.KIOSK_HEADERS.items():
            fresh = norm in {vocab._normalise(str(w)) for w in words}
            assert fresh == (norm in vocab._folded(tuple(words))), (header, field)
        expected = next(
            (
                f
                for f, ws in vocab.TEMPLATE_HEADERS.items()
                if norm in {vocab.normalise_label(w) for w in ws}
            ),
            None,
        )
        assert vocab.template_header(header) == expected
    assert vocab.normalise_label(" Hverken / eller ") == "hverken eller"
    assert vocab.kiosk_button("Knap 3") == 3
