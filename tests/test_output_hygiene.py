"""Output hygiene (issue 12, failures 7 and 10): CSV exports that no spreadsheet runs as formulas,
and no terminal control character in names at load or in anything the CLI prints."""

from __future__ import annotations

import csv
import re

import duckdb
import pandas as pd
import pytest

from servicemirror import backup, safety
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
