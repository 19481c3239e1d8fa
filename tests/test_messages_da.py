"""Whole-file refusals and reader notes in Danish and English through the label table.

Every refusal a reader, the file checks or the loader raises is a key of
``servicemirror.core.labels.LOAD_MESSAGES`` (``ReadError.of`` / ``LoadRefused.of`` /
``UnsafeInput.of``), and every note is a ``labels.Note``; these tests fail when a message goes
back to an English string in the code, when a key lacks a language or a field, and when
``load --lang da`` or the Danish Upload page shows an English word.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from servicemirror.core import labels

ROOT = Path(__file__).resolve().parent.parent
# the code that raises whole-file refusals and writes notes
SOURCES = [
    *sorted((ROOT / "etl").glob("*.py")),
    *sorted((ROOT / "etl" / "readers").glob("*.py")),
    ROOT / "servicemirror" / "core" / "safety.py",
    ROOT / "servicemirror" / "app" / "uploading.py",
]
# a key named in the code: X.of("key", ...), Note.of("key"), labels.t("key", ...), or a label key
# given as a field value that the table tells in the same language (load_no_library, ...)
KEY_USE = re.compile(r"""(?:\.of|labels\.t|\bt)\(\s*["']([a-z][a-z0-9_-]*)["']""")
FIELD_KEY = re.compile(r"""["']((?:read|note|load|reason)_[a-z0-9_]+)["']""")


def _source(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_key_the_importer_uses_has_danish_and_english_with_the_same_fields():
    used: dict[str, str] = {}
    for path in SOURCES:
        text = _source(path)
        for key in KEY_USE.findall(text):
            used.setdefault(key, path.name)
        # a quoted key given as a field value (a query name such as read_text_csv is not one)
        for key in FIELD_KEY.findall(text):
            if key in labels.LOAD_MESSAGES:
                used.setdefault(key, path.name)
    # the walk finds the keys of every kind (not empty by luck of the pattern)
    prefixes = {key.split("_")[0] for key in used}
    assert {"read", "note", "load", "reason"} <= prefixes, prefixes
    assert len([k for k in used if k.startswith("read_")]) >= 60
    assert len([k for k in used if k.startswith("note_")]) >= 20
    for key, where in sorted(used.items()):
        if key not in labels.LOAD_MESSAGES:
            # a page text or a table code named the same way is not the importer's
            assert key in labels.TEXT, f"{where}: key {key!r} is not in the label table"
            continue
        texts = labels.LOAD_MESSAGES[key]
        assert set(texts) == {"da", "en"}, key
        assert _fields(texts["da"]) == _fields(texts["en"]), key
    # and every read_/note_ key of the table is used somewhere (no dead texts)
    for key in labels.LOAD_MESSAGES:
        if key.startswith(("read_", "note_", "map_")):
            assert key in used, f"{key} is in the label table but no code uses it"


def test_no_refusal_or_note_is_written_as_an_english_string():
    # a raise with a literal line (f"..." or "...") or a note appended as a literal bypasses the
    # label table: the Danish user would read English
    literal = re.compile(
        r"(?:ReadError|LoadRefused|UnsafeInput|MappingError|ValueError)\(\s*f?[\"']"
        r"|warnings\.append\(\s*f?[\"']"
    )
    offenders = []
    for path in SOURCES:
        if path.name == "records.py":  # project/target records: not a file refusal (see notes)
            continue
        for number, line in enumerate(_source(path).splitlines(), start=1):
            if literal.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_refusal_and_note_keep_the_english_line_and_tell_the_danish_one():
    from servicemirror.etl.known import LoadRefused
    from servicemirror.etl.readers.base import ReadError

    error = ReadError.of("read_empty", file="tom.csv")
    assert str(error) == "tom.csv: the file is empty. Export the survey again and upload that file."
    assert error.text("da").startswith("tom.csv: filen er tom.")
    # the loader passes key and fields on, so the CLI and the page can tell it either way
    refused = LoadRefused.told_as(error)
    assert refused.text("da") == error.text("da") and str(refused) == str(error)
    # a field that is itself a key is told in the same language
    line = LoadRefused.of("load_not_allowed", file="f.csv", others="x", allowed="load_no_library")
    assert "no library" in str(line) and "intet bibliotek" in line.text("da")
    note = labels.Note.of("note_superseded", count=3)
    assert note == "3 respondents were already loaded; their newer answers replace the older ones"
    assert labels.say(note, "da").startswith("3 respondenter var allerede indlæst")
    assert labels.say("plain text", "da") == "plain text"
    # a 6 KB cell in a refusal is clipped before it reaches the line
    long = ReadError.of("read_themes_bad_lang", file="t.csv", row=2, value=labels.clip("x" * 6000))
    assert len(long.text("da")) < 200


def _english_words() -> set[str]:
    """Words of the importer's English texts that none of its Danish texts uses (so "CSV",
    "--library", "SurveyXact" and field names do not count as English)."""

    def words(lang: str) -> set[str]:
        return {
            w.lower()
            for texts in labels.LOAD_MESSAGES.values()
            for w in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}", " ", texts[lang]))
        }

    return words("en") - words("da")


def _english_in(text: str, english: set[str]) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-z]{4,}", text)} & english


def _refused_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Files refused whole, of different kinds, with a phrase of each Danish refusal."""
    (folder / "eksport").mkdir()
    files = {
        "folder": (folder / "eksport", "er en mappe, ikke en fil"),
        "empty": (folder / "tom.csv", "filen er tom"),
        "no rating questions": (folder / "kategorier.csv", "ingen spørgsmål med en svarskala"),
        "broken zip": (folder / "eksport.zip", "beskadiget zip"),
        "unknown layout": (folder / "noter.txt", "ikke en eksport, Servicespejlet genkender"),
        "old excel": (folder / "gammel.xls", "gammel binær Excel-fil"),
        "binary": (folder / "billede.csv", "binære data"),
        "only a header": (folder / "qualtrics.csv", "ingen besvarelser (kun overskrifterne)"),
    }
    files["empty"][0].write_bytes(b"")
    files["no rating questions"][0].write_text(
        "Bibliotek;Dato;Hvad lånte du?\nGentofte;05-03-2024;Bøger\nGentofte;06-03-2024;Film\n",
        encoding="utf-8",
    )
    files["broken zip"][0].write_bytes(b"PK\x03\x04" + b"not a zip archive at all" * 4)
    files["unknown layout"][0].write_text("hello world\nfoo bar\n", encoding="utf-8")
    files["old excel"][0].write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    files["binary"][0].write_bytes(bytes(range(1, 256)) * 4 + b"\x00\x01" * 300)
    # a current Qualtrics export (three header rows, no responses): the layout of Qualtrics'
    # "Export Data" CSV (qualtrics.com/support/survey-platform/data-and-analysis-module/
    # data/download-data/understanding-your-dataset/)
    files["only a header"][0].write_text(
        "StartDate,EndDate,Status,Progress,Finished,RecordedDate,ResponseId,Q1\n"
        "Start Date,End Date,Response Type,Progress,Finished,Recorded Date,Response ID,"
        "How satisfied are you?\n"
        '{"ImportId":"startDate"},{"ImportId":"endDate"},{"ImportId":"status"},'
        '{"ImportId":"progress"},{"ImportId":"finished"},{"ImportId":"recordedDate"},'
        '{"ImportId":"_recordId"},{"ImportId":"QID1"}\n',
        encoding="utf-8",
    )
    return files


def test_load_lang_da_refuses_every_kind_of_file_in_danish(tmp_path, capsys):
    from servicemirror import cli

    english = _english_words()
    db = str(tmp_path / "c.duckdb")
    for kind, (path, danish) in _refused_files(tmp_path).items():
        argv = ["load", str(path), "--as", "patron", "--db", db]
        assert cli.main([*argv, "--dry-run"]) == 1, kind  # Danish is the default
        err = capsys.readouterr().err
        assert danish in err, (kind, err)
        assert not _english_in(err, english), (kind, err)
        assert cli.main([*argv, "--lang", "da"]) == 1, kind
        err = capsys.readouterr().err
        assert danish in err and not _english_in(err, english), (kind, err)
        # the same file in English says it in English (the word list is not empty by luck)
        assert cli.main([*argv, "--lang", "en", "--dry-run"]) == 1, kind
        err = capsys.readouterr().err
        assert _english_in(err, english), (kind, err)


def test_dry_run_notes_in_danish(tmp_path, capsys):
    # a wide file whose scale is guessed from the answers (no hint in the header) and one
    # respondent who answered nothing: two notes, both Danish with --lang da
    from servicemirror import cli

    path = tmp_path / "uden_skala.csv"
    path.write_text(
        "Bibliotek;Dato;Hvor tilfreds er du?\n"
        + "".join(f"Gentofte;0{d}-03-2024;{d % 5 + 1}\n" for d in range(1, 8))
        + "Gentofte;09-03-2024;\n",
        encoding="utf-8",
    )
    argv = ["load", str(path), "--as", "patron", "--dry-run", "--db", str(tmp_path / "n.duckdb")]
    assert cli.main([*argv, "--lang", "da"]) == 0
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("  bemærk: ")]
    assert notes, out
    assert any("gættet ud fra svarene" in n for n in notes), notes
    assert not _english_in("\n".join(notes), _english_words()), notes
    assert cli.main([*argv, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert any(line.startswith("  note: ") and "guessed" in line for line in out.splitlines())


@pytest.mark.parametrize("lang", ["da", "en"])
def test_uploading_tells_a_whole_file_refusal_in_the_page_language(tmp_path, lang):
    from servicemirror.app import uploading

    broken = b"PK\x03\x04" + b"not a zip archive at all" * 4
    outcome = uploading.preview(
        tmp_path / "t.duckdb", "eksport.zip", broken, uploading.Options("patron", lang=lang)
    )
    assert outcome.status == "refused"
    expected = "beskadiget zip" if lang == "da" else "damaged zip"
    assert expected in outcome.message
    empty = uploading.preview(tmp_path / "t.duckdb", "tom.csv", b"", uploading.Options(lang=lang))
    assert ("filen er tom" if lang == "da" else "the file is empty") in empty.message


def test_upload_page_in_danish_shows_a_danish_whole_file_refusal(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SERVICEMIRROR_DB", str(tmp_path / "page.duckdb"))
    app = ROOT / "dashboard" / "app.py"
    at = AppTest.from_file(str(app), default_timeout=180)
    at.session_state["language"] = "da"
    at.switch_page("views/upload.py")
    at.run()
    broken = b"PK\x03\x04" + b"not a zip archive at all" * 4
    at.get("file_uploader")[0].set_value(("eksport.zip", broken, "application/zip"))
    at.run()
    assert not at.exception
    errors = " ".join(str(e.value) for e in at.error)
    assert "eksport.zip: en beskadiget zip- eller xlsx-fil" in errors, errors
    assert not _english_in(errors, _english_words()), errors


def test_upload_preview_names_the_encoding_in_words():
    assert labels.encoding_label("utf-8-sig", "da") == "UTF-8 med BOM"
    assert labels.encoding_label("cp1252", "da") == "Windows-1252"
    assert labels.encoding_label("utf-8-sig", "en") == "UTF-8 with BOM"
    assert labels.role_label("ignored", "da") == "ikke brugt"
    assert labels.scale_source_label("guess", "da") == "gættet ud fra svarene"
    # every encoding the detector can report has words (etl.detect.detect_encoding's docstring)
    for code in ("utf-16", "utf-16-le", "utf-16-be", "utf-8-sig", "utf-8", "utf-8-mixed", "cp1252"):
        assert f"encoding_{code}" in labels.LOAD_MESSAGES, code
