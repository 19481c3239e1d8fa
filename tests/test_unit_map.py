"""The mapping step's answer about coded library columns and kiosk locations is saved (unit_map)
and applied to the next upload of the same survey without asking again."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from servicemirror import cli, service
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.privacy import access

FIXTURES = Path(__file__).parent / "fixtures"

# a library column holding the vendor's unit codes AO01..AO03
HEADER = "Bibliotek;Dato;Tilfredshed (1-5)\n"
FIRST = HEADER + "AO01;03-03-2024;4\nAO02;04-03-2024;5\nAO03;05-03-2024;2\nAO01;06-03-2024;3\n"
SECOND = HEADER + "AO02;03-03-2025;5\nAO03;04-03-2025;1\nAO03;05-03-2025;2\n"
UNITS = {"AO01": "Gentofte", "AO02": "Lyngby", "AO03": "Gentofte"}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _units(db_path: Path) -> dict[str, str]:
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return dict(con.execute("select unit, library_key from unit_map").fetchall())
    finally:
        con.close()


def test_mapped_once_then_the_next_file_loads_without_asking(tmp_path):
    db_path = tmp_path / "t.duckdb"
    admin = service.Service(db_path, access.Principal("ane", "admin"))
    first, second = _write(tmp_path, "2024.csv", FIRST), _write(tmp_path, "2025.csv", SECOND)
    # without the mapping the codes are refused (they are not library names)
    with pytest.raises(load.LoadRefused, match="a code"):
        admin.load_file(first, respondent_type="patron")
    report = admin.load_file(first, respondent_type="patron", mapping={"libraries": UNITS})
    assert report.libraries == {"Gentofte": 3, "Lyngby": 1}
    assert report.units_mapped == 3
    assert _units(db_path) == {"AO01": "gentofte", "AO02": "lyngby", "AO03": "gentofte"}
    # the audit log says who mapped the units, apart from the upload
    actions = list(admin.audit_log()["action"])
    assert actions.count("unit_map") == 1 and actions.count("upload") == 1
    # the next export of the same survey: no mapping given, no question, the right libraries
    again = admin.load_file(second, respondent_type="patron")
    assert again.status == "loaded" and again.units_mapped == 0
    assert again.libraries == {"Gentofte": 2, "Lyngby": 1}
    # undo removes the upload's rows, never the mapping
    admin.undo(again.upload_id)
    admin.undo(report.upload_id)
    assert _units(db_path) == {"AO01": "gentofte", "AO02": "lyngby", "AO03": "gentofte"}


def test_a_mapping_given_again_replaces_the_saved_one_and_a_dry_run_saves_nothing(tmp_path):
    db_path = tmp_path / "t.duckdb"
    first, second = _write(tmp_path, "2024.csv", FIRST), _write(tmp_path, "2025.csv", SECOND)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"libraries": UNITS}), encoding="utf-8")
    argv = ["load", "--as", "patron", "--db", str(db_path), "--json"]
    assert cli.main([*argv, str(first), "--mapping", str(mapping), "--dry-run"]) == 0
    assert not db.exists(db_path) or _units(db_path) == {}
    assert cli.main([*argv, str(first), "--mapping", str(mapping)]) == 0
    # AO03 moves to Lyngby: given with the next file, it replaces the saved row
    mapping.write_text(json.dumps({"libraries": {"AO03": "Lyngby"}}), encoding="utf-8")
    assert cli.main([*argv, str(second), "--mapping", str(mapping)]) == 0
    assert _units(db_path) == {"AO01": "gentofte", "AO02": "lyngby", "AO03": "lyngby"}


def test_kiosk_locations_are_remembered_for_the_next_kiosk_file(tmp_path):
    # the kiosk readers name no instrument: the mapping is saved under the format
    db_path = tmp_path / "t.duckdb"
    admin = service.Service(db_path, access.Principal("ane", "admin"))
    path = FIXTURES / "kiosk/three_locations_presses.csv"
    mapping = {
        "libraries": {
            "Stenløse": "Egedal Bibliotekerne",
            "Farum": "Furesø Bibliotek",
            "Ballerup": "Ballerup Bibliotekerne",
        }
    }
    first = admin.load_file(path, mapping=mapping)
    assert first.units_mapped == 3
    admin.undo(first.upload_id)
    # the same file again, without the mapping: loads into the same three libraries
    again = admin.load_file(path)
    assert again.libraries == first.libraries
