"""Danish readers end to end: SurveyXact, smiley kiosks, the aggregates template.

Every fixture under tests/fixtures/{surveyxact,kiosk,aggregates}/ is loaded through
``etl.load.load_file`` into a fresh database; the expected counts, means and NPS are worked out by
hand in the comments next to each assertion.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from servicemirror import queries
from servicemirror.core import db
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


# --------------------------------------------------------------------------- aggregates template

AGGREGATES = FIXTURES / "aggregates"


@pytest.mark.parametrize(
    ("fixture", "encoding", "bad_row"),
    [("resultater_udfyldt.xlsx", "binary", 15), ("resultater_excel_cp1252.csv", "cp1252", 15)],
)
def test_aggregates_template(tmp_path, fixture, encoding, bad_row):
    path = tmp_path / "a.duckdb"
    report = load.load_file(path, AGGREGATES / fixture)
    assert (report.format, report.encoding) == ("aggregates_template", encoding)
    # 15 data rows: 12 pre-filled core rows (4 filled in, 8 skipped) + 3 Furesø rows, one of
    # them (data row 15) with n "tolv"
    assert report.records == 7
    assert report.warnings[0] == "8 template rows without figures were skipped"
    assert [(r["row"], r["column"], r["value"]) for r in report.rejected] == [
        (bad_row, "n", "tolv")
    ]
    items = {i["item"]: i for i in report.items}
    # core_w1: Egedal n 12 mean 3.9; Furesø n 8 mean 2.0 on "1-5 (1 = bedst)" -> 1 + 5 - 2 = 4.0;
    # pooled (12 * 3.9 + 8 * 4.0) / 20 = 78.8 / 20 = 3.94
    assert (items["core_w1"]["n"], items["core_w1"]["mean"]) == (20, pytest.approx(3.94))
    # core_w2 from the distribution 1:0 2:1 3:3 4:5 5:3: n 12, mean (2 + 9 + 20 + 15) / 12 = 46/12
    assert (items["core_w2"]["n"], items["core_w2"]["mean"]) == (12, pytest.approx(46 / 12))
    assert (items["core_enps"]["n"], items["core_enps"]["mean"]) == (12, pytest.approx(7.5))
    assert (items["core_sat"]["n"], items["core_sat"]["mean"]) == (150, pytest.approx(4.4))
    own = items["jeg-er-stolt-af-mit-bibliotek"]
    assert (own["construct"], own["n"], own["mean"]) == ("other", 8, pytest.approx(4.25))
    # valid_responses of an aggregates upload counts respondents, not answers: the largest item n
    # per unit x period x type, added up: Egedal staff 12 + Egedal patrons 150 + Furesø staff 8
    assert report.valid_responses == 170
    assert report.libraries == {"Egedal Bibliotekerne": 162, "Furesø Bibliotek": 8}
    with db.reading(path) as con:
        rows = con.execute(
            "select item_code, respondent_type, sd, response_rate, distribution from aggregates "
            "where library_key = 'egedal-bibliotekerne' order by item_code"
        ).df()
    by_item = rows.set_index("item_code")
    # sd of the distribution: squared deviations from 46/12 sum to 9.6667, / 11 -> sd 0.93744
    assert by_item.loc["core_w2", "sd"] == pytest.approx(0.937437, abs=1e-6)
    assert by_item.loc["core_w2", "distribution"] == '{"1": 0, "2": 1, "3": 3, "4": 5, "5": 3}'
    assert by_item.loc["core_w1", "response_rate"] == pytest.approx(0.8)  # "80%" / 0.8 in Excel
    assert by_item.loc["core_sat", "respondent_type"] == "patron"  # pre-filled "borgere"
    assert by_item.loc["core_w1", "respondent_type"] == "staff"


def test_template_is_current_and_carries_core_items(tmp_path):
    from python_calamine import CalamineWorkbook

    from servicemirror.etl import vocab
    from servicemirror.etl.templates import make_template

    shipped = make_template.TEMPLATE
    rebuilt = make_template.build(tmp_path / "t.xlsx")
    for workbook in (shipped, rebuilt):
        book = CalamineWorkbook.from_path(str(workbook))
        assert book.sheet_names == ["Resultater", "Kernespørgsmål", "Vejledning"]
        results = book.get_sheet_by_name("Resultater").to_python()
        assert results[0][:9] == [
            "enhed",
            "periode",
            "spørgsmål",
            "skala",
            "n",
            "gennemsnit",
            "spredning",
            "fordeling",
            "svarprocent",
        ]
        core = book.get_sheet_by_name("Kernespørgsmål").to_python()
        assert [row[0] for row in core[1:]] == [code for code, *_ in vocab.CORE_ITEMS]
    # the committed file matches the script: same sheets and cells
    shipped_cells = {
        name: CalamineWorkbook.from_path(str(shipped)).get_sheet_by_name(name).to_python()
        for name in ("Resultater", "Kernespørgsmål", "Vejledning")
    }
    rebuilt_cells = {
        name: CalamineWorkbook.from_path(str(rebuilt)).get_sheet_by_name(name).to_python()
        for name in ("Resultater", "Kernespørgsmål", "Vejledning")
    }
    assert shipped_cells == rebuilt_cells


def test_empty_template_is_refused(tmp_path):
    from servicemirror.etl.templates import make_template

    blank = make_template.build(tmp_path / "tom.xlsx")
    with pytest.raises(load.LoadRefused, match="no valid responses"):
        load.load_file(tmp_path / "a.duckdb", blank)


# --------------------------------------------------------------------------- SurveyXact

SX = FIXTURES / "surveyxact"


@pytest.mark.parametrize(
    ("fixture", "encoding"),
    [
        ("trivsel_semikolon_cp1252/dataset.csv", "cp1252"),
        ("trivsel_semikolon_utf8bom/dataset.csv", "utf-8-sig"),
        ("trivsel_tab_utf16.zip", "utf-16"),
    ],
)
def test_surveyxact_staff_survey(tmp_path, fixture, encoding):
    path = tmp_path / "sx.duckdb"
    report = load.load_file(path, SX / fixture)
    assert (report.format, report.encoding, report.respondent_type) == (
        "surveyxact",
        encoding,
        "staff",
    )
    # 8 rows; row 4 "Nogle svar" (stato_3) and row 7 "Distribueret" (stato_2) are not completed:
    # left out and counted among the rejected rows with their reason
    assert (report.records, report.valid_responses) == (8, 6)
    assert [(r["row"], r["reason"]) for r in report.rejected] == [
        (4, "not a completed response (status): not counted"),
        (7, "not a completed response (status): not counted"),
    ]
    assert report.libraries == {"Egedal Bibliotekerne": 3, "Furesø Bibliotek": 3}
    items = {i["item"]: i for i in report.items}
    # s_1 "Jeg trives ..." coded 1 = Helt enig .. 5 = Helt uenig, 6 = Ved ikke: turned 6 - code.
    # completed rows 1,2,3,5,6,8: codes 1,2,6,3,1,5 -> 5,4,missing,3,5,1: n 5, mean 18/5 = 3.6
    assert (items["core_w1"]["n"], items["core_w1"]["mean"]) == (5, pytest.approx(3.6))
    # s_2 "Mit arbejde giver mig energi" 1 = I meget høj grad: codes 2,6,1,2,1,4 ->
    # 4,missing,5,4,5,2: n 5, mean 20/5 = 4.0
    assert (items["core_w2"]["n"], items["core_w2"]["mean"]) == (5, pytest.approx(4.0))
    # s_3 eNPS coded 1..11 with labels "0 - Slet ikke ..", "1" .. "10 - Meget ..": codes
    # 11,9,10,8,1,11 -> 10,8,9,7,0,10: mean 44/6; promoters 3 (10, 9, 10), detractors 1 (0):
    # NPS (3 - 1) / 6 * 100 = 33.33
    enps = items["core_enps"]
    assert (enps["construct"], enps["n"], enps["mean"]) == ("enps", 6, pytest.approx(44 / 6))
    assert enps["nps"] == pytest.approx(100 / 3)
    # staff free text (rows 1 and 6) is not imported by default
    assert "2 staff free-text answers were not imported" in " ".join(report.warnings)
    # dates 03-03-2025 and 04.03.2025 (day first, dashes and dots) give the period 2025
    periods = _rows(path, "library_periods")
    assert set(periods["period"]) == {"2025"}


def test_surveyxact_staff_text_on_request(tmp_path):
    report = load.load_file(
        tmp_path / "sx.duckdb",
        SX / "trivsel_semikolon_cp1252" / "dataset.csv",
        include_staff_text=True,
    )
    assert not any("free-text" in w for w in report.warnings)
    with db.reading(tmp_path / "sx.duckdb") as con:
        texts = sorted(t for (t,) in con.execute("select text from comments").fetchall())
    # the semicolon inside the quoted answer survives
    assert texts == ["Godt sted at være", "Travlt; men godt"]


def test_surveyxact_dataset_alone_warns(tmp_path):
    folder = tmp_path / "kun_data"
    folder.mkdir()
    (folder / "dataset.csv").write_bytes(
        (SX / "trivsel_semikolon_cp1252" / "dataset.csv").read_bytes()
    )
    report = load.load_file(
        tmp_path / "sx.duckdb",
        folder / "dataset.csv",
        respondent_type="staff",
        library="Egedal Bibliotekerne",
    )
    # without labels nothing says which code is best: the codes are loaded as they are
    assert (report.format, report.valid_responses) == ("surveyxact", 6)
    assert any("no labels file" in w for w in report.warnings)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_surveyxact_zip_member_names_are_never_paths(tmp_path):
    source = SX / "trivsel_semikolon_cp1252"
    evil = _zip(
        tmp_path / "evil.zip",
        {
            "../../dataset.csv": (source / "dataset.csv").read_bytes(),
            "/abs/labels.csv": (source / "labels.csv").read_bytes(),
            "x/../structure.csv": (source / "structure.csv").read_bytes(),
        },
    )
    # the archive is refused by the upload safety checks, or read with fixed names: never
    # does a member land outside the temporary folder
    try:
        report = load.load_file(tmp_path / "sx.duckdb", evil, dry_run=True)
        assert report.valid_responses == 6
    except load.LoadRefused as exc:
        assert "\n" not in str(exc)
    assert not (tmp_path.parent / "dataset.csv").exists()


def test_surveyxact_zip_with_too_many_members_is_refused(tmp_path):
    from servicemirror.etl.readers import surveyxact

    crowded = _zip(
        tmp_path / "crowded.zip",
        {f"part{i}.csv": b"a;b\n1;2\n" for i in range(surveyxact.MAX_MEMBERS + 1)}
        | {"dataset.csv": b"a;stato_4\n1;1\n"},
    )
    with pytest.raises(load.LoadRefused) as refused:
        load.load_file(tmp_path / "sx.duckdb", crowded, format="surveyxact")
    assert "\n" not in str(refused.value)
