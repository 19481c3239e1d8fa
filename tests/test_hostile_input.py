"""Hostile input through the CLI: a clear one-line refusal or a correct load, never a traceback."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from servicemirror.app import uploading
from servicemirror.core import db, safety
from servicemirror.etl.detect import sniff

HEADER = "library,period,respondent_type,respondent_id,item,value,construct,comment"


def long_csv(rows: int = 6, library: str = "Alfa") -> str:
    lines = [HEADER]
    for i in range(rows):
        lines.append(f"{library},2024,patron,p{i},core_sat,{1 + i % 5},,")
    return "\n".join(lines) + "\n"


def load(*paths, db_path: Path, extra=()) -> tuple[subprocess.CompletedProcess, list[dict]]:
    """`servicemirror load --json`: stdout is the JSON list, stderr holds only refusals."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "servicemirror.cli", "load", *map(str, paths)]
        # English refusal lines (the fragments below); Danish is tests/test_messages_da.py's
        + ["--db", str(db_path), "--json", "--lang", "en", *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )
    done.seconds = time.monotonic() - started
    assert "Traceback" not in done.stderr
    return done, json.loads(done.stdout) if done.stdout.strip() else []


def refused(tmp_path: Path, path: Path, *fragments: str) -> dict:
    done, reports = load(path, db_path=tmp_path / "h.duckdb")
    assert done.returncode == 1, done.stdout
    assert done.stderr.count("\n") == 1, done.stderr  # exactly one line
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr
    assert reports[0]["status"] == "refused" and reports[0]["upload_id"] is None
    return reports[0]


def loaded(tmp_path: Path, path: Path, db_name: str = "h.duckdb") -> dict:
    done, reports = load(path, db_path=tmp_path / db_name)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert reports[0]["status"] == "loaded", reports[0]
    return reports[0]


# --------------------------------------------------------------------------- size and type


def test_oversized_upload_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as fh:  # sparse: 300 MB on paper, no disk used
        fh.truncate(300 * 1024 * 1024)
    report = refused(tmp_path, big, "big.csv", "300 MB", "up to 256 MB")
    assert report["records"] == 0
    assert not (tmp_path / "h.duckdb").exists()


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    frame = pd.read_csv(io.StringIO(long_csv()))
    frame.to_excel(buffer, index=False, engine="openpyxl")
    return buffer.getvalue()


def test_type_is_decided_by_content_not_extension(tmp_path):
    fake_csv = tmp_path / "really_excel.csv"
    fake_csv.write_bytes(_xlsx_bytes())
    fake_xlsx = tmp_path / "really_text.xlsx"
    fake_xlsx.write_text(long_csv())
    assert sniff(fake_csv).kind == "xlsx"
    assert sniff(fake_xlsx).kind == "csv"
    report = loaded(tmp_path, fake_xlsx)  # a CSV called .xlsx loads as the CSV it is
    assert report["format"] == "generic_long" and report["valid_responses"] == 6
    # an Excel file called .csv is never fed to the CSV parser
    done, reports = load(fake_csv, db_path=tmp_path / "h.duckdb")
    if reports[0]["status"] == "refused":
        assert done.stderr.count("\n") == 1
        assert "could not read the file as a table" not in done.stderr
    else:  # once an .xlsx reader is registered, it simply loads
        assert reports[0]["status"] == "loaded"


# --------------------------------------------------------------------------- zip bombs


def _content_types(zf: zipfile.ZipFile) -> None:
    zf.writestr("[Content_Types].xml", "<Types/>")


def test_zip_bomb_by_ratio_is_refused_quickly(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        _content_types(zf)
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            zeros = b"\0" * (1 << 20)
            for _ in range(64):  # 64 MB of zeros -> ~64 KB on disk
                member.write(zeros)
    assert bomb.stat().st_size < 200_000
    started = time.monotonic()
    with pytest.raises(safety.UnsafeInput, match="zip bomb"):
        safety.check_zip(bomb)
    assert time.monotonic() - started < 0.1  # central directory only, nothing inflated
    refused(tmp_path, bomb, "bomb.xlsx", "zip bomb")


def test_zip_bomb_by_total_size_and_member_count(tmp_path):
    many = tmp_path / "many.xlsx"
    with zipfile.ZipFile(many, "w") as zf:
        _content_types(zf)
        for i in range(safety.MAX_ZIP_MEMBERS + 1):
            zf.writestr(f"xl/p{i}.xml", "")
    refused(tmp_path, many, "many.xlsx", "holds 2,002 files")
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.csv", b"x" * (2 << 20))
    with pytest.raises(safety.UnsafeInput, match="more than 1 MB"):
        safety.check_zip(big, max_total=1 << 20)


def test_zip_that_lies_about_its_sizes_is_refused(tmp_path):
    liar = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as zf:
        _content_types(zf)
        zf.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (4 << 20))  # 24 MB
    data = bytearray(liar.read_bytes())
    # declare 1,000 bytes in the local header and the central directory: under every limit
    with zipfile.ZipFile(liar) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    liar.write_bytes(bytes(data))
    safety.check_zip(liar)  # the directory alone looks harmless
    started = time.monotonic()
    refused(tmp_path, liar, "liar.xlsx", "damaged or inconsistent")
    assert time.monotonic() - started < 10


def test_names_inside_a_zip_are_never_paths(tmp_path):
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    evil = work / "evil.xlsx"
    with zipfile.ZipFile(evil, "w") as zf:
        _content_types(zf)
        zf.writestr("../../etc/passwd.csv", long_csv())
    refused(tmp_path, evil, "unsafe name", "passwd.csv")
    nested = tmp_path / "nested.zip"
    with zipfile.ZipFile(nested, "w") as zf:
        zf.writestr("inner.zip", b"PK")
    refused(tmp_path, nested, "another archive")
    assert not (tmp_path / "etc").exists() and not (tmp_path / "a" / "etc").exists()


# --------------------------------------------------------------------------- file names


def test_upload_path_with_dot_dot_only_names_the_upload(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "etc").mkdir()
    target = tmp_path / "etc" / "passwd.csv"
    target.write_text(long_csv())
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    report = loaded(tmp_path, tmp_path / "a" / "b" / ".." / ".." / "etc" / "passwd.csv")
    assert report["file"] == "passwd.csv"
    with db.reading(tmp_path / "h.duckdb") as con:
        names = [r[0] for r in con.execute("select file_name from uploads").fetchall()]
    assert names == ["passwd.csv"]  # the base name only, a label
    after = sorted(
        p.relative_to(tmp_path) for p in tmp_path.rglob("*") if not p.name.startswith("h.duckdb")
    )
    assert after == before  # nothing created next to the upload
    # the dashboard's staging keeps a hostile browser name inside its own fresh folder
    with uploading.staged("../../etc/passwd.csv", b"x") as staged:
        assert staged.name == "passwd.csv"
        assert staged.parent.name.startswith("servicemirror-upload-")


def test_control_characters_in_a_name_stay_on_one_line(tmp_path):
    assert safety.display_name("a\nb\x00c.csv") == "a b c.csv"
    assert safety.display_name("C:\\Users\\x\\..\\y.csv") == "y.csv"
    odd = tmp_path / "two\nlines\x1b[31m.csv"
    odd.write_bytes(b"")
    refused(tmp_path, odd, "two lines", "empty")
    done = subprocess.run(
        [sys.executable, "-m", "servicemirror.cli", "restore", str(tmp_path / "no\nsuch")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr


# --------------------------------------------------------------------------- parser abuse


def test_300000_character_fields(tmp_path):
    text = "Meget god betjening. " * 14_286  # 300,006 characters
    lines = [
        HEADER,
        "Alfa,2024,patron,p1,core_sat,4,,",
        f'Alfa,2024,patron,p1,comment,,comment,"{text}"',
    ]
    lines.append(
        f"Alfa,2024,patron,p2,core_sat,{'9' * 300_000},,"
    )  # absurd value: one rejected row
    path = tmp_path / "long_fields.csv"
    path.write_text("\n".join(lines) + "\n")
    report = loaded(tmp_path, path)
    assert report["valid_responses"] == 1
    assert len(report["rejected"]) == 1 and report["rejected"][0]["row"] == 3
    with db.reading(tmp_path / "h.duckdb") as con:
        stored = con.execute("select length(text) from comments").fetchall()[0][0]
    assert stored >= 299_000


def test_nul_bytes(tmp_path):
    body = long_csv(rows=200).encode()
    spot = body.index(b"p150")
    inside = tmp_path / "nul_inside.csv"  # past the 4 KB binary sniff: dropped, file loads
    inside.write_bytes(body[:spot] + b"\x00" + body[spot:])
    report = loaded(tmp_path, inside)
    assert report["valid_responses"] == 200
    binary = tmp_path / "nul_start.csv"  # NULs up front: not a text file, one line
    binary.write_bytes(b"lib\x00rary,\x00\x01\x02" * 50)
    refused(tmp_path, binary, "nul_start.csv", "not a text or Excel file")


def test_mixed_utf8_and_cp1252_keep_every_letter(tmp_path):
    utf8 = "Ærøskøbing,2024,patron,u{i},core_sat,4,,\n"
    cp1252 = "Søby Bibliotek,2024,patron,c{i},core_sat,3,,\n"
    data = (HEADER + "\n").encode()
    for i in range(6):
        data += utf8.format(i=i).encode("utf-8") + cp1252.format(i=i).encode("cp1252")
    path = tmp_path / "mixed.csv"
    path.write_bytes(data)
    report = loaded(tmp_path, path)
    assert report["encoding"] == "utf-8-mixed"
    assert report["libraries"] == {"Ærøskøbing": 6, "Søby Bibliotek": 6}
    pure = tmp_path / "pure1252.csv"  # an all-cp1252 file is still read as cp1252
    pure.write_bytes((HEADER + "\n" + cp1252.format(i=1) * 1).encode("cp1252"))
    assert loaded(tmp_path, pure, "p.duckdb")["encoding"] == "cp1252"


def test_mismatched_column_counts_reject_only_those_rows(tmp_path):
    lines = long_csv(rows=6).splitlines()
    lines.insert(3, "Alfa,2024,patron,x1,core_sat")  # too few fields
    lines.insert(5, "Alfa,2024,patron,x2,core_sat,4,,,surplus,fields")  # too many
    path = tmp_path / "ragged.csv"
    path.write_text("\n".join(lines) + "\n")
    report = loaded(tmp_path, path)
    assert report["valid_responses"] == 6
    # DuckDB reports one problem per missing/surplus field; they all name the two bad lines
    assert {r["row"] for r in report["rejected"]} == {4, 6}
    assert all("line could not be read" in r["reason"] for r in report["rejected"])


@pytest.mark.parametrize(
    "name, content, fragment",
    [
        ("random.csv", bytes(range(256)) * 40, "not a text or Excel file"),
        ("empty.csv", b"", "empty"),
        ("blank.csv", b"\n\n  \n", "no text"),
        ("header_only.csv", (HEADER + "\n").encode(), "no valid responses"),
        ("old.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 600, "old binary Excel"),
        ("broken.xlsx", b"PK\x03\x04" + b"\x01" * 600, "damaged"),
    ],
)
def test_garbage_is_one_clear_line(tmp_path, name, content, fragment):
    path = tmp_path / name
    path.write_bytes(content)
    refused(tmp_path, path, fragment)


def test_html_report_escapes_hostile_library_names(tmp_path):
    name = "<img src=x onerror=alert(1)>"
    path = tmp_path / "xss.csv"
    path.write_text(long_csv(rows=8, library=f'"{name}"'))
    loaded(tmp_path, path)
    out = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-m", "servicemirror.cli", "report", "--db", str(tmp_path / "h.duckdb")]
        + ["--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert name not in out.read_text(encoding="utf-8")
