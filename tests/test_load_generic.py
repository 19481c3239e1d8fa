"""The generic long format through the one load path: lineage, duplicates, supersede, undo, refusal."""

from __future__ import annotations

import json
import shutil

import duckdb
import pandas as pd
import pytest

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.privacy import publish


def _table_counts(path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            t: con.execute(f"select count(*) from {t}").fetchall()[0][0]
            for t in ("responses", "answers", "comments", "uploads")
        }  # noqa: S608 - fixed table names in a test
    finally:
        con.close()


def _write(tmp_path, name, text) -> object:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


LONG = """library,period,respondent_type,respondent_id,item,value,comment,construct
Gentofte,2023,patron,p1,core_sat,5,,
Gentofte,2023,patron,p1,core_nps,9,,
Gentofte,2023,patron,p1,comment,,Ring til mig på 12345678 eller a@b.dk,comment
Gentofte,2023,patron,p2,core_sat,Ved ikke,,
Gentofte,2023,patron,p2,core_nps,3,,
Gentofte,2023,patron,p3,core_sat,7,,
Ishøj,2023,patron,p4,core_sat,"4,0",,
"""


def test_long_file_loads_with_exact_counts_and_scrubbed_comment(tmp_path):
    path = _write(tmp_path, "long.csv", LONG)
    dbp = tmp_path / "t.duckdb"
    report = load.load_file(dbp, path)
    # p1 and p2 answered something valid; p3's only answer (7 on 1-5) is rejected; p4 loads
    assert report.valid_responses == 3
    assert report.records == 7
    assert [r["row"] for r in report.rejected] == [6]
    assert "outside the scale 1-5" in report.rejected[0]["reason"]
    assert report.libraries == {"Gentofte": 2, "Ishøj": 1}
    by_item = {i["item"]: i for i in report.items}
    assert by_item["core_sat"]["n"] == 2 and by_item["core_sat"]["mean"] == pytest.approx(
        4.5
    )  # 5 and 4,0
    # NPS of (9, 3): one promoter, one detractor -> 0
    assert by_item["core_nps"]["nps"] == 0.0
    with db.reading(dbp) as con:
        comments = con.execute("select text from comments").fetchall()
    assert comments == [("Ring til mig på [telefon fjernet] eller [e-mail fjernet]",)]


def test_same_file_twice_is_a_no_op(tmp_path):
    path = _write(tmp_path, "long.csv", LONG)
    dbp = tmp_path / "t.duckdb"
    load.load_file(dbp, path)
    before = _table_counts(dbp)
    second = load.load_file(dbp, path)
    assert second.status == "duplicate" and second.upload_id is None
    assert "already loaded as upload 1" in second.message
    assert _table_counts(dbp) == before


def test_reexport_supersedes_and_undo_restores(tmp_path):
    dbp = tmp_path / "t.duckdb"
    first = _write(tmp_path, "a.csv", LONG)
    load.load_file(dbp, first)
    # a re-export: p1 answers again (now 1), plus a new respondent p9
    again = _write(
        tmp_path,
        "b.csv",
        "library,period,respondent_type,respondent_id,item,value\n"
        "Gentofte,2023,patron,p1,core_sat,1\nGentofte,2023,patron,p9,core_sat,3\n",
    )
    report = load.load_file(dbp, again)
    assert report.superseded == 1
    cells = publish.published(dbp).cells
    sat = cells[(cells.library_key == "gentofte") & (cells.measure == "satisfaction")].iloc[0]
    # current Gentofte respondents with a score: p1 (new: 1 -> 0), p9 (3 -> 50); p2 said "Ved ikke"
    assert sat["n"] == 2 and sat["mean"] == pytest.approx(25.0)
    load.undo(dbp, report.upload_id)
    cells = publish.published(dbp).cells
    sat = cells[(cells.library_key == "gentofte") & (cells.measure == "satisfaction")].iloc[0]
    assert sat["n"] == 1 and sat["mean"] == pytest.approx(100.0)  # p1's old 5 is back
    with db.reading(dbp) as con:
        statuses = dict(
            queries.run(con, "uploads_list")[["upload_id", "status"]].itertuples(index=False)
        )
    assert statuses == {1: "active", 2: "undone"}


def test_refused_file_leaves_database_unchanged(tmp_path, small_db):
    before = _table_counts(small_db)
    version = db.data_version(small_db)
    bad = _write(
        tmp_path,
        "bad.csv",
        "library,period,respondent_type,respondent_id,item,value\nA,2023,patron,x,core_sat,99\n",
    )
    with pytest.raises(load.LoadRefused, match="no valid responses"):
        load.load_file(small_db, bad)
    not_a_survey = _write(tmp_path, "notes.csv", "hello;world\n1;2\n")
    with pytest.raises(load.LoadRefused, match="not a survey export"):
        load.load_file(small_db, not_a_survey)
    assert _table_counts(small_db) == before
    assert db.data_version(small_db) == version


def test_near_miss_library_is_suggested_not_merged(tmp_path):
    dbp = tmp_path / "t.duckdb"
    load.register_libraries(
        dbp,
        pd.DataFrame(
            {
                "library": ["Gentofte"],
                "display_name": ["Gentofte Centralbibliotek"],
                "aliases": [["Gentofte Bibliotek"]],
            }
        ),
    )
    path = _write(
        tmp_path,
        "n.csv",
        "library,period,respondent_type,respondent_id,item,value\n"
        "Gentofte Bibliotekerne,2023,patron,a,core_sat,4\nGentofte Bibliotek,2023,patron,b,core_sat,5\n",
    )
    report = load.load_file(dbp, path)
    assert report.libraries == {"Gentofte Centralbibliotek": 1}
    assert "did you mean 'Gentofte Centralbibliotek'" in report.rejected[0]["reason"]


def test_dry_run_writes_nothing(tmp_path):
    path = _write(tmp_path, "long.csv", LONG)
    dbp = tmp_path / "t.duckdb"
    report = load.load_file(dbp, path, dry_run=True)
    assert report.status == "dry_run" and report.valid_responses == 3
    assert not dbp.exists()


def test_report_json_is_stored_with_the_upload(small_db):
    with db.reading(small_db) as con:
        stored = con.execute("select report_json from uploads order by upload_id").fetchall()
    assert json.loads(stored[0][0])["format"] == "generic_long"


def test_encodings_and_delimiters(tmp_path):
    text = LONG.replace(",", ";").replace('"4;0"', "4,0")
    for encoding, suffix in (("cp1252", "cp"), ("utf-16", "u16"), ("utf-8-sig", "bom")):
        path = tmp_path / f"long_{suffix}.csv"
        path.write_bytes(text.encode(encoding))
        report = load.load_file(tmp_path / f"{suffix}.duckdb", path)
        assert report.libraries == {"Gentofte": 2, "Ishøj": 1}, encoding
        assert report.encoding.startswith(encoding.split("-sig")[0][:5])


def test_staff_cells_below_k_are_suppressed(small_db):
    summary = publish.summary(publish.published(small_db))
    zeta = summary[(summary.library == "Zeta") & (summary.period == "2023")].iloc[0]
    assert zeta.n_staff == 3
    assert pd.isna(zeta.staff_index) and pd.isna(zeta.enps)
    assert "fewer than 5 staff respondents" in zeta.suppressed_reason
    shown = summary[summary.n_staff >= 5]
    assert shown.staff_index.notna().all()


def test_indices_match_an_independent_computation(small_db, small_forum_files):
    # independent: pandas on the source file, person mean of the 5 items rescaled to 0-100
    staff_file = next(f for f in small_forum_files if "staff" in f.name)
    staff = pd.read_csv(staff_file, dtype={"period": str})
    staff = staff[staff["item"].str.startswith("core_w")]
    staff["score"] = (staff["value"].astype(float) - 1) / 4 * 100
    person = staff.groupby(["library", "period", "respondent_id"])["score"].mean()
    expected = person.groupby(["library", "period"]).mean()
    summary = publish.summary(publish.published(small_db)).set_index(["library", "period"])
    for (lib, period), value in expected.items():
        got = summary.loc[(lib, period), "staff_index"]
        if summary.loc[(lib, period), "n_staff"] >= 5:
            assert got == pytest.approx(value, abs=1e-9)


def test_copy_of_database_is_independent(tmp_path, small_db):
    copy = tmp_path / "copy.duckdb"
    shutil.copy(small_db, copy)
    assert _table_counts(copy) == _table_counts(small_db)


def test_a_manager_may_only_load_for_the_own_library(tmp_path):
    path = _write(tmp_path, "long.csv", LONG)  # Gentofte and Ishøj
    dbp = tmp_path / "t.duckdb"
    with pytest.raises(load.LoadRefused, match="you may only upload for gentofte"):
        load.load_file(dbp, path, allowed_libraries={"gentofte"})
    assert not dbp.exists()
    report = load.load_file(dbp, path, allowed_libraries={"gentofte", "ishoej"})
    assert report.status == "loaded"


def test_upload_page_path_refuses_another_librarys_file(tmp_path):
    from servicemirror.app import uploading

    dbp = tmp_path / "t.duckdb"
    outcome = uploading.commit(dbp, "long.csv", LONG.encode(), allowed_libraries={"ishoej"})
    assert outcome.status == "refused" and "you may only upload for ishoej" in outcome.message
    assert not dbp.exists()
