"""Danish readers end to end: SurveyXact, smiley kiosks, the aggregates template.

Every fixture under tests/fixtures/{surveyxact,kiosk,aggregates}/ is loaded through
``etl.load.load_file`` into a fresh database; the expected counts, means and NPS are worked out by
hand in the comments next to each assertion.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from servicemirror import db, queries
from servicemirror.etl import load

FIXTURES = Path(__file__).parent / "fixtures"
KIOSK = FIXTURES / "kiosk"


def _rows(db_path: Path, sql_name: str, **params) -> pd.DataFrame:
    with db.reading(db_path) as con:
        return queries.run(con, sql_name, **params)


# --------------------------------------------------------------------------- kiosk presses


def test_happyornot_presses(tmp_path):
    path = tmp_path / "k.duckdb"
    report = load.load_file(path, KIOSK / "happyornot_presses.csv")
    assert report.format == "kiosk_presses"
    assert report.encoding == "utf-8"
    assert report.respondent_type == "patron"
    # 13 data rows; row 10 has "not a time", row 11 button 7 (HappyOrNot numbers 0-3)
    assert report.records == 13
    assert report.valid_responses == 11
    assert [(r["row"], r["column"]) for r in report.rejected] == [
        (10, "Timestamp"),
        (11, "Button"),
    ]
    assert report.libraries == {"Egedal Bibliotekerne": 11}
    counts = _rows(path, "kiosk_daily")
    assert int(counts["n"].sum()) == 11
    # buttons 0-3 become 1-4: T-101 presses 3,3,2,0,1,3,2,3,3 -> 4,4,3,1,2,4,3,4,4 and
    # T-102 1,3 -> 2,4; sum 35 over 11 presses: mean button 35/11 = 3.1818..., 6 happiest
    mean_button = (counts["button"] * counts["n"]).sum() / counts["n"].sum()
    assert mean_button == pytest.approx(35 / 11)
    assert int(counts.loc[counts["button"] == 4, "n"].sum()) == 6
    by_hour = _rows(path, "kiosk_by_hour")
    # wall-clock hours kept (the +0100 offset is cut): T-101 9h (3), 10h (3), 16h (1), 11h (2);
    # T-102 13h (2)
    assert dict(by_hour.groupby("hour")["presses"].sum()) == {9: 3, 10: 3, 11: 2, 13: 2, 16: 1}


def test_danish_excel_presses_cp1252_labels(tmp_path):
    path = tmp_path / "k.duckdb"
    report = load.load_file(path, KIOSK / "tryk_excel_cp1252.csv")
    assert (report.format, report.encoding) == ("kiosk_presses", "cp1252")
    assert (report.records, report.valid_responses, report.rejected) == (6, 6, [])
    counts = _rows(path, "kiosk_daily")
    # Meget glad, Glad, Utilfreds, Meget utilfreds, Meget glad, Glad = 4,3,2,1,4,3: sum 17 / 6
    assert (counts["button"] * counts["n"]).sum() / counts["n"].sum() == pytest.approx(17 / 6)
    per_day = counts.groupby(counts["date"].astype(str).str.slice(0, 10))["n"].sum()
    assert per_day.to_dict() == {
        "2025-03-03": 3,
        "2025-03-04": 2,
        "2025-03-05": 1,
    }
    with db.reading(path) as con:
        branches = queries.run(con, "branches_all")
    assert list(branches["display_name"]) == ["Ølstykke Bibliotek"]


def test_daily_counts(tmp_path):
    path = tmp_path / "k.duckdb"
    report = load.load_file(path, KIOSK / "dagstal_utf8bom.csv")
    assert (report.format, report.encoding) == ("kiosk_daily", "utf-8-sig")
    # rows: 3 March 1+2+5+9 = 17; 4 March (dotted date) 0+1+3+4 = 8; 6 March 2+0+1+1.204
    # (thousands separator) = 1,207; row 4 has "x" as a count and is rejected
    assert report.records == 4
    assert report.valid_responses == 17 + 8 + 1207
    assert [(r["row"], r["column"], r["value"]) for r in report.rejected] == [
        (4, "Meget utilfreds", "x")
    ]
    counts = _rows(path, "kiosk_daily")
    assert not counts["hourly"].any()
    # daily counts carry no hour: the hourly view leaves them out
    assert _rows(path, "kiosk_by_hour").empty


@pytest.mark.parametrize("order", [("presses", "daily"), ("daily", "presses")])
def test_presses_win_over_daily_counts(tmp_path, order):
    files = {"presses": KIOSK / "tryk_excel_cp1252.csv", "daily": KIOSK / "dagstal_utf8bom.csv"}
    path = tmp_path / "k.duckdb"
    ids = {kind: load.load_file(path, files[kind]).upload_id for kind in order}
    counts = _rows(path, "kiosk_daily")
    per_day = counts.groupby(counts["date"].astype(str).str.slice(0, 10))["n"].sum().to_dict()
    # 3 and 4 March exist in both: the presses (3 and 2) win over the daily 17 and 8;
    # 5 March only presses (1); 6 March only daily (1,207). Total 1,213, not 1,238.
    assert per_day == {"2025-03-03": 3, "2025-03-04": 2, "2025-03-05": 1, "2025-03-06": 1207}
    assert int(counts["n"].sum()) == 1213
    # undo the presses: the daily counts come back for 3 and 4 March (17 + 8 + 1,207)
    load.undo(path, ids["presses"])
    assert int(_rows(path, "kiosk_daily")["n"].sum()) == 1232


def test_kiosk_reexport_replaces_older_export(tmp_path):
    path = tmp_path / "k.duckdb"
    first = KIOSK / "tryk_excel_cp1252.csv"
    again = tmp_path / "tryk_igen.csv"
    # the same presses exported again (other bytes: one more press on 5 March)
    again.write_bytes(
        first.read_bytes()
        + "05-03-2025 12:30;Egedal Bibliotekerne;Ølstykke Bibliotek;Indgang;Hvordan var dit besøg i dag?;Glad\r\n".encode(
            "cp1252"
        )
    )
    load.load_file(path, first)
    load.load_file(path, again)
    # the newer upload supplies every day it covers: 3 + 2 + 2 = 7, not 6 + 7
    assert int(_rows(path, "kiosk_daily")["n"].sum()) == 7
