"""Output hygiene: CSV exports that no spreadsheet runs as formulas,
and no terminal control character in names at load or in anything the CLI prints."""

from __future__ import annotations

import csv
import re

import duckdb
import pandas as pd
import pytest

from servicemirror.app import backup
from servicemirror.core import safety
from servicemirror.etl import load

CR_FORMULA = "God service\r=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("ok\r=cmd|x", "ok\r'=cmd|x"),
        ("ok\n+45 12", "ok\n'+45 12"),
        ("ok\r\n-x", "ok\r\n'-x"),
        ("ok\r@A1", "ok\r'@A1"),
        ("ok\n\tx", "ok\n'\tx"),
        ("\r=1", "'\r'=1"),
        ("two\nlines", "two\nlines"),
        ("a - b", "a - b"),
    ],
)
def test_every_line_of_a_cell_is_protected(value, expected):
    assert safety.protect_cell(value) == expected


def test_export_quotes_text_and_protects_a_formula_after_a_bare_cr(tmp_path):
    """Failure 7: a comment with a bare CR followed by =cmd| was written unquoted."""
    path = tmp_path / "f.duckdb"
    rows = pd.DataFrame(
        {
            "library": "Alfa",
            "period": "2024",
            "respondent_type": "patron",
            "respondent_id": [f"p{i}" for i in range(6)] + ["p0"],
            "item": ["core_sat"] * 6 + ["comment"],
            "value": [4] * 6 + [None],
            "construct": [""] * 6 + ["comment"],
            "comment": [""] * 6 + ["God service"],
        }
    )
    source = tmp_path / "patrons.csv"
    rows.to_csv(source, index=False)
    assert load.load_file(path, source).status == "loaded"
    # an Excel cell can hold a bare CR (Alt+Enter on an old Mac); put it in as such a file would
    with duckdb.connect(str(path)) as con:
        con.execute("update comments set text = ?", [CR_FORMULA])
    backup.export(path, tmp_path / "out")
    raw = (tmp_path / "out" / "csv" / "comments.csv").read_bytes().decode("utf-8-sig")
    # a reader that breaks rows on CR (or LF) never sees a line that starts a formula
    assert not [line for line in re.split(r"\r\n|\r|\n", raw) if line.startswith(("=", "+", "@"))]
    assert "\r'=cmd|" in raw
    # every text field is quoted: the header and each text cell
    header = raw.splitlines()[0]
    assert all(f.startswith('"') and f.endswith('"') for f in header.split(";"))
    with (tmp_path / "out" / "csv" / "comments.csv").open(encoding="utf-8-sig", newline="") as fh:
        parsed = list(csv.reader(fh, delimiter=";"))
    texts = [cell for row in parsed[1:] for cell in row]
    assert "God service\r'=cmd|' /C calc'!A0" in texts


# --------------------------------------------------------------------------- control characters

HOSTILE = "Alfa\x1b]0;owned\x07 Bibliotek\x1b[2J\r\x9b31m"


def test_strip_controls_keeps_newline_tab_and_danish():
    assert (
        safety.strip_controls("a\x00b\x1b[1mc\x7fd\x85e\x9ff\nnæste\tøå") == "ab[1mcdef\nnæste\tøå"
    )
    assert safety.strip_controls(None) is None and safety.strip_controls(3) == 3


def _long_rows(library: str, branch: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "library": library,
            "period": "2024",
            "respondent_type": "staff",
            "respondent_id": [f"s{i}" for i in range(6)],
            "item": "core_w1",
            "value": 4,
            "branch": branch,
            "scale_min": 1,
            "scale_max": 5,
        }
    )


def test_names_lose_control_characters_at_load(tmp_path):
    path = tmp_path / "c.duckdb"
    source = tmp_path / "staff.csv"
    _long_rows(HOSTILE.replace("\r", ""), "Nord\x1b[31m").to_csv(source, index=False)
    assert load.load_file(path, source).status == "loaded"
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("select display_name from libraries").fetchall()]
        names += [r[0] for r in con.execute("select display_name from branches").fetchall()]
    assert names and not [n for n in names if safety.CONTROL_CHARACTERS.search(n)]
    assert "Alfa]0;owned Bibliotek[2J31m" in names


def test_the_cli_prints_no_control_character(tmp_path, capsys):
    """Failure 10 (part): a library name with terminal escapes was printed raw by the CLI. A name
    stored before this release (or by any other way in) is cleaned on the CLI's output path."""
    from servicemirror import cli

    path = tmp_path / "c.duckdb"
    source = tmp_path / "staff.csv"
    _long_rows("Alfa", "").to_csv(source, index=False)
    assert load.load_file(path, source).status == "loaded"
    with duckdb.connect(str(path)) as con:
        con.execute("update libraries set display_name = ?", [HOSTILE])
    assert cli.main(["summary", "--db", str(path)]) == 0
    assert cli.main(["uploads", "--db", str(path)]) == 0
    out = capsys.readouterr()
    assert "Alfa]0;owned Bibliotek" in out.out
    assert not safety.CONTROL_CHARACTERS.search(out.out + out.err)


def test_the_progress_bar_keeps_its_own_terminal_codes_only():
    """On a terminal the load progress bar redraws its line (CR + erase) through the CLI's
    filter, while a control character in a file name is still stripped."""
    import io

    from servicemirror.cli.progress import LoadProgress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    raw = Tty()
    bar = LoadProgress(1, stream=safety.TerminalSafe(raw))
    bar.for_file(1, "evil\x1b]0;x\x07.csv")("reading")
    assert raw.getvalue().startswith("\r\x1b[2K[1/1] evil]0;x.csv")
    assert "\x07" not in raw.getvalue() and raw.getvalue().count("\x1b") == 1


def test_no_connection_draws_duckdbs_progress_bar(small_db_shared, tmp_path):
    """DuckDB draws its own progress bar on stdout for a query over two seconds (a busy machine,
    a national database); `summary --json` then printed the bar before the JSON. Every connection
    the product opens has it switched off."""
    from servicemirror.core import db

    setting = "select current_setting('enable_progress_bar')"
    with db.reading(small_db_shared) as con:
        assert con.execute(setting).fetchone()[0] is False
    with db.writing(tmp_path / "new.duckdb", create=True) as con:
        assert con.execute(setting).fetchone()[0] is False
