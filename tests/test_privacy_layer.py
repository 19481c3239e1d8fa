"""The access layer (servicemirror/service.py): reads and writes per role, the audit log, typed
settings, the serve refusal, one pseudonym per library per viewer (pages, report, file names).

One small database per module (``layer_db``): the small forum (Alfa ... Zeta, none consented to be
named) plus two one-library uploads (Alfa 2025 and Beta 2025), so upload histories differ.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_database, write_one_library

from servicemirror import cli, service
from servicemirror.core import db
from servicemirror.privacy import access, publish

# one worker runs the whole module: its database (``layer_db``) is built once
pytestmark = pytest.mark.xdist_group("privacy_layer")

ADMIN = access.Principal("admin@kommune.dk", "admin")
ANNA = access.Principal("anna@alfa.dk", "manager", "alfa")
FORUM = access.Principal("forum@forum.dk", "forum")
NAMES = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]


@pytest.fixture
def writable(layer_db, tmp_path) -> Path:
    return copy_database(layer_db, tmp_path / "w")


def svc(path: Path, who: access.Principal | None) -> service.Service:
    return service.Service(path, who)


# --------------------------------------------------------------------------- writes per role


def _project(library: str) -> dict:
    return {
        "library": library,
        "touchpoint": "counter",
        "title": "Ny skranke",
        "start": "2024-02-01",
    }


@pytest.mark.parametrize(
    "who, library, allowed",
    [
        (ADMIN, "beta", True),
        (ANNA, "alfa", True),
        (ANNA, "Beta", False),  # by display name: resolved before the check
        (FORUM, "alfa", False),
        (None, "alfa", False),
    ],
)
def test_projects_and_targets_only_for_libraries_the_principal_may_write_for(
    writable, who, library, allowed
):
    layer = svc(writable, who)
    version = db.data_version(writable)
    if allowed:
        project_id = layer.add_project(**_project(library))
        row = layer.set_target(library=library, touchpoint="", measure="index", value=80)
        assert project_id >= 1 and row["target_value"] == 80
        return
    with pytest.raises(service.Refused) as refused:
        layer.add_project(**_project(library))
    message = str(refused.value)
    assert "\n" not in message and "may" in message
    assert "Beta" not in message and "beta" not in message  # the refusal names no hidden library
    with pytest.raises(service.Refused):
        layer.set_target(library=library, touchpoint="", measure="index", value=80)
    assert db.data_version(writable) == version  # nothing written, not even an audit row


def test_targets_file_with_one_forbidden_row_writes_nothing(writable):
    rows = pd.DataFrame(
        {"library": ["alfa", "beta"], "touchpoint": ["", ""], "measure": ["index"] * 2}
        | {"target": [80, 85], "source": [None, None]}
    )
    with pytest.raises(service.Refused, match="row 2"):
        svc(writable, ANNA).set_targets(rows)
    assert svc(writable, ADMIN).audit_log().empty
    assert len(svc(writable, ADMIN).set_targets(rows)) == 2


@pytest.mark.parametrize("who", [ANNA, FORUM])
def test_admin_only_writes_are_refused_for_other_roles(writable, who, tmp_path):
    layer = svc(writable, who)
    for attempt in (
        lambda: layer.undo(1),
        lambda: layer.set_setting("k_staff", "6"),
        lambda: layer.define_persona(name="Senior", age_band="67+"),
        lambda: layer.add_user(tmp_path / "u.json", "x@y.dk", "admin", password="a" * 12),
        lambda: layer.purge(pd.Timestamp("2030-01-01").date()),
        lambda: layer.export(tmp_path / "backup"),
        lambda: layer.audit_log(),
    ):
        with pytest.raises(service.Refused, match="only an admin"):
            attempt()
    assert not (tmp_path / "u.json").exists() and not (tmp_path / "backup").exists()


def test_forum_viewer_cannot_upload_and_manager_only_the_own_library(writable, tmp_path):
    beta = write_one_library(tmp_path, "Beta", "2026")
    with pytest.raises(service.Refused):
        svc(writable, FORUM).upload(beta.name, beta.read_bytes())
    refused = svc(writable, ANNA).upload(beta.name, beta.read_bytes())
    assert refused.status == "refused" and "\n" not in refused.message
    alfa = write_one_library(tmp_path, "Alfa", "2026")
    assert svc(writable, ANNA).upload(alfa.name, alfa.read_bytes()).status == "loaded"


def test_every_write_is_recorded_in_the_audit_log(writable, tmp_path):
    admin, anna = svc(writable, ADMIN), svc(writable, ANNA)
    anna.add_project(**_project("alfa"))
    alfa = write_one_library(tmp_path, "Alfa", "2026")
    upload = anna.upload(alfa.name, alfa.read_bytes())
    admin.set_setting("k_comments", "12")
    admin.define_persona(name="Senior", age_band="67+")
    admin.undo(upload.report["upload_id"])
    log = admin.audit_log()
    assert list(log["action"]) == ["undo", "persona", "setting", "upload", "project"]
    assert list(log["who"])[-2:] == ["anna@alfa.dk", "anna@alfa.dk"]
    assert list(log["role"])[-1] == "manager"
    assert log.set_index("action").loc["upload", "library_key"] == "alfa"
    assert "alfa_2026_patron.csv" in log.set_index("action").loc["upload", "detail"]
    assert log.set_index("action").loc["setting", "detail"] == "k_comments = 12"
    assert log["done_at"].notna().all()


def test_a_loads_audit_row_lands_with_the_upload_or_not_at_all(writable, tmp_path, monkeypatch):
    # the command line's load (Service.load_file) records the upload inside the load's own
    # transaction: with the library it wrote for, once, and nothing for a duplicate
    admin, anna = svc(writable, ADMIN), svc(writable, ANNA)
    alfa = write_one_library(tmp_path, "Alfa", "2026")
    version = db.data_version(writable)
    report = anna.load_file(alfa)
    assert report.status == "loaded"
    assert db.data_version(writable) == version + 1  # one transaction: one new data version
    assert anna.load_file(alfa).status == "duplicate"
    log = admin.audit_log()
    assert list(log["action"]) == ["upload"]
    assert log["library_key"].tolist() == ["alfa"]
    assert log["detail"].tolist() == [f"upload {report.upload_id}: alfa_2026_patron.csv"]

    # an audit row that cannot be written takes the upload with it: nothing half-recorded
    def broken(*_args, **_kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(service.Service, "_audit", broken)
    uploads = len(admin.upload_history())
    beta = write_one_library(tmp_path, "Beta", "2026")
    with pytest.raises(RuntimeError, match="audit log unavailable"):
        admin.load_file(beta)
    monkeypatch.undo()
    assert len(admin.upload_history()) == uploads
    assert list(admin.audit_log()["action"]) == ["upload"]


# --------------------------------------------------------------------------- reads per role


def test_upload_history_shows_only_what_the_principal_may_see(layer_db):
    every = set(svc(layer_db, ADMIN).upload_history()["file_name"])
    assert {"alfa_2025_patron.csv", "beta_2025_patron.csv", "small_staff.csv"} <= every
    # a manager: the own library's uploads only (not the shared forum files, not Beta's)
    assert list(svc(layer_db, ANNA).upload_history()["file_name"]) == ["alfa_2025_patron.csv"]
    assert svc(layer_db, FORUM).upload_history().empty


def test_cli_uploads_reads_the_list_through_the_layer(layer_db, user_file, monkeypatch, capsys):
    # the one way the upload list is read (Service.upload_history): a manager's `uploads`
    # lists the own library's uploads only, a forum viewer's none
    monkeypatch.setenv(service.USER_ENV, "anna@alfa.dk")
    assert cli.main(["uploads", "--db", str(layer_db), "--json"]) == 0
    assert [r["file_name"] for r in json.loads(capsys.readouterr().out)] == ["alfa_2025_patron.csv"]
    monkeypatch.setenv(service.USER_ENV, "forum@forum.dk")
    assert cli.main(["uploads", "--db", str(layer_db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_forum_package_download_per_role_and_file_names(layer_db):
    with pytest.raises(service.Refused):
        svc(layer_db, FORUM).forum_package("alfa", ["2023"])
    with pytest.raises(service.Refused) as refused:
        svc(layer_db, ANNA).forum_package("beta", ["2023"])
    assert "beta" not in str(refused.value).lower()
    package, payload, name = svc(layer_db, ANNA).forum_package("alfa", ["2023"], "en")
    assert (
        name == "forumpakke-alfa-2023.zip" and package.manifest["library"]["library_key"] == "alfa"
    )
    # an admin with names off: the file name holds the pseudonym letter the pages show
    admin = svc(layer_db, ADMIN)
    _, payload, name = admin.forum_package("beta", ["2023"], "en")
    letter = admin.labels("en").set_index("library_key").loc["beta", "token"]
    assert name == f"forumpakke-{letter}-2023.zip"
    assert not any(n.lower() in name.lower() for n in NAMES)
    with zipfile.ZipFile(__import__("io").BytesIO(payload)) as zf:
        assert zf.namelist()  # a real package


def test_comments_only_for_the_own_manager_or_an_admin_with_names_on(layer_db):
    assert svc(layer_db, ANNA).comments("alfa", "2023")[0] is not None
    assert svc(layer_db, ANNA).comments("beta", "2023")[0] is None
    assert svc(layer_db, FORUM).comments("alfa", "2023")[0] is None
    assert svc(layer_db, ADMIN).comments("alfa", "2023", show_names=False)[0] is None
    assert svc(layer_db, ADMIN).comments("alfa", "2023", show_names=True)[0] is not None


def test_names_per_viewer(layer_db):
    assert svc(layer_db, ANNA).names("en")["alfa"] == "Alfa"
    assert svc(layer_db, ANNA).names("en")["beta"].startswith("Library ")
    assert all(v.startswith("Library ") for v in svc(layer_db, FORUM).names("en").values())
    assert svc(layer_db, ADMIN).names("en", show_names=True)["beta"] == "Beta"
    # only an admin can switch names on
    assert svc(layer_db, FORUM).names("en", show_names=True)["beta"].startswith("Library ")


# --------------------------------------------------------------------------- one pseudonym


def test_report_shows_each_library_under_the_letter_of_the_pages(layer_db):
    """Before: the report drew its own letters ("Library A" on the pages was "Library G" there)."""
    layer = svc(layer_db, ANNA)
    labels = layer.names("en")
    html = layer.report_html("en", None)
    summary = publish.summary(publish.published(layer_db))
    for r in summary.itertuples():
        # the full table: label, period, n staff in this order for every library and period
        row = f"<td>{labels[r.library_key]}</td><td>{r.period}</td><td>{r.n_staff}</td>"
        assert row in html, (r.library_key, r.period)
    assert not any(name in html for name in NAMES if name != "Alfa")


# --------------------------------------------------------------------------- settings by type


@pytest.mark.parametrize(
    "setting, message",
    [
        ("k_staff=²", "whole number of at least 3"),
        ("k_staff=2", "at least 3"),
        ("k_comments=ten", "whole number"),
        ("n_permutations=0", "at least 999"),
        ("n_permutations=998", "at least 999"),
        ("period_length=fortnight", "year, half, quarter"),
        ("colour=blue", "unknown setting"),
        ("k_staff", "KEY=VALUE"),
    ],
)
def test_settings_are_parsed_by_type_with_one_line_errors(writable, capsys, setting, message):
    version = db.data_version(writable)
    assert cli.main(["settings", "--db", str(writable), "--set", setting]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "internal error" not in err
    assert db.data_version(writable) == version


def test_settings_accept_typed_values(writable, capsys):
    for setting in ("k_staff=7", "n_permutations=999", "period_length=Half"):
        assert cli.main(["settings", "--db", str(writable), "--set", setting]) == 0
    capsys.readouterr()
    assert cli.main(["settings", "--db", str(writable), "--json"]) == 0
    values = json.loads(capsys.readouterr().out)
    assert values["k_staff"] == "7" and values["period_length"] == "half"


# --------------------------------------------------------------------------- command line


@pytest.mark.parametrize("address", ["0.0.0.0", "192.168.1.20", "::", "myhost.kommune.dk"])
def test_serve_on_the_network_in_local_mode_refuses(layer_db, monkeypatch, capsys, address):
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    called = []
    monkeypatch.setattr(cli.subprocess, "call", lambda *a, **k: called.append(a) or 0)
    assert cli.main(["serve", "--db", str(layer_db), "--address", address]) == 1
    err = capsys.readouterr().err
    assert "server mode" in err and "users add" in err and err.count("\n") == 1
    assert not called


def test_serve_on_loopback_or_in_server_mode_starts(layer_db, monkeypatch):
    called = []
    monkeypatch.setattr(cli.subprocess, "call", lambda *a, **k: called.append(a[0]) or 0)
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    assert cli.main(["serve", "--db", str(layer_db), "--address", "127.0.0.1"]) == 0
    monkeypatch.setenv(access.MODE_ENV, "server")
    assert cli.main(["serve", "--db", str(layer_db), "--address", "0.0.0.0"]) == 0
    assert "--server.address=0.0.0.0" in called[-1]


def test_cli_acts_as_the_server_user_and_audit_is_admin_only(
    writable, user_file, tmp_path, monkeypatch
):
    monkeypatch.setenv(service.USER_ENV, "anna@alfa.dk")
    assert cli.main(["audit", "--db", str(writable)]) == 1
    assert cli.main(["undo", "1", "--db", str(writable)]) == 1
    out = tmp_path / "beta.zip"
    args = ["forum-package", "--library", "beta", "--out", str(out), "--db", str(writable)]
    assert cli.main(args) == 1 and not out.exists()
    monkeypatch.setenv(service.USER_ENV, "nobody@x.dk")
    assert cli.main(["summary", "--db", str(writable)]) == 1


def test_cli_refuses_a_mistyped_mode_in_one_line(layer_db, monkeypatch, capsys):
    monkeypatch.setenv(access.MODE_ENV, "sever")
    assert cli.main(["summary", "--db", str(layer_db)]) == 1
    err = capsys.readouterr().err
    assert "use 'local' or 'server'" in err and "internal error" not in err


def test_cli_audit_lists_writes(writable, capsys):
    assert cli.main(["settings", "--db", str(writable), "--set", "k_staff=6"]) == 0
    capsys.readouterr()
    assert cli.main(["audit", "--db", str(writable), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["action"], r["detail"]) for r in rows] == [("setting", "k_staff = 6")]
    assert cli.main(["audit", "--db", str(writable)]) == 0
    assert re.search(r"setting: k_staff = 6", capsys.readouterr().out)


def test_audit_rows_do_not_bump_the_data_version_and_travel_with_the_backup(writable, tmp_path):
    admin = svc(writable, ADMIN)
    version = db.data_version(writable)
    admin.set_setting("k_staff", "6")
    assert db.data_version(writable) == version + 1  # the setting, not its audit row
    done = admin.export(tmp_path / "backup")
    restored = svc(tmp_path / "restored.duckdb", ADMIN).restore(done.folder)
    assert restored.rows["audit"] == 1  # the setting (the export's row came after it)
    log = svc(tmp_path / "restored.duckdb", ADMIN).audit_log()
    assert list(log["action"]) == ["setting"]


def test_a_database_and_backup_from_before_the_audit_log_still_work(writable, tmp_path):
    """Databases made before the audit log carry schema version 6 without its table: reading the
    log finds it empty, the next write creates it, and their backups restore."""
    import duckdb

    with duckdb.connect(str(writable)) as con:
        con.execute("drop table audit; drop sequence audit_ids")
    admin = svc(writable, ADMIN)
    assert admin.audit_log().empty
    done = admin.export(tmp_path / "backup")  # no audit table in this backup
    assert "audit" not in json.loads((done.folder / "manifest.json").read_text())["tables"]
    restored = svc(tmp_path / "restored.duckdb", ADMIN).restore(done.folder)
    assert "audit" not in restored.rows
    assert svc(tmp_path / "restored.duckdb", ADMIN).audit_log().empty
    assert list(admin.audit_log()["action"]) == ["export"]
