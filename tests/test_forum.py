"""Forum packages: build, check, import, supersede, undo, and the federated round trip.

The round trip: the demo forum (15 libraries, 6 years) loaded into ONE pooled database, and the
same files split into 15 single-library installations that each send a package to a fresh forum
installation. ``analyze`` must give the same published figures on both: every number equal within
1e-9 (it is in fact bit-identical, because the forum's cells are the libraries' cells and
cells.sql sums exactly), Cronbach's alpha equal when pooled from the packages' covariances.
"""

from __future__ import annotations

import json
import math
import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import run_cli, write_zip, zip_members

from servicemirror import queries
from servicemirror.app import forum, hypothesis
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.etl.readers import forum_package as fmt
from servicemirror.privacy import publish

TOL = 1e-9
# every analyze field is compared except Cronbach's alpha: a package carries item covariances only
# for staff groups with no incomplete respondent or at least k of them (forum.released_staff_groups),
# so the forum's alpha is pooled over those groups; test_alpha_from_packages_equals_pooled_rows
# checks it against the raw rows of exactly those groups.
ALPHA_PREFIX = ".reliability.alpha"


def _differences(a, b, path: str = "") -> list[tuple]:
    """Every place two analyze objects differ (numbers beyond TOL, anything else at all)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = [(f"{path}.{k}", "missing") for k in set(a) ^ set(b)]
        for key in set(a) & set(b):
            out += _differences(a[key], b[key], f"{path}.{key}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [(path, len(a), len(b))]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differences(x, y, f"{path}[{i}]")
        ]
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool):
        if math.isnan(a) and math.isnan(b):
            return []
        return [] if math.isclose(a, b, rel_tol=TOL, abs_tol=TOL) else [(path, a, b)]
    return [] if a == b else [(path, a, b)]


def test_round_trip_gives_the_same_published_figures(federation):
    pooled = hypothesis.analyze(federation["pooled"])
    via_packages = hypothesis.analyze(federation["forum"])
    differences = [
        d for d in _differences(pooled, via_packages) if not d[0].startswith(ALPHA_PREFIX)
    ]
    assert differences == []
    # the figures the brief names, spelled out so a silent None on both sides cannot pass
    for part, key in [
        ("library_level", "pearson_r"),
        ("library_level", "ci_low"),
        ("library_level", "p_permutation"),
        ("multilevel", "slope"),
        ("multilevel", "se"),
        ("multilevel", "tau00"),
        ("multilevel", "sigma2"),
        ("within_between", "beta_within"),
        ("within_between", "beta_between"),
        ("reliability", "icc1"),
        ("reliability", "icc2"),
    ]:
        assert pooled[part][key] is not None
        assert via_packages[part][key] == pytest.approx(pooled[part][key], rel=TOL, abs=TOL)
    assert pooled["lagged"] is not None and via_packages["lagged"] == pooled["lagged"]
    assert pooled["libraries"] == via_packages["libraries"] == 15
    assert via_packages["excluded_periods"] == pooled["excluded_periods"] != []


def test_alpha_from_packages_equals_pooled_rows(federation):
    """The forum's alpha equals alpha computed from the pooled raw rows of the released groups."""
    from servicemirror.analysis import reliability

    pooled_db = federation["pooled"]
    pub = publish.published(pooled_db)
    released = set()
    with db.reading(pooled_db) as con:
        rows = queries.run(con, "staff_item_rows", construct="wellbeing")
        for key in federation["installations"]:
            answers = queries.run(con, "forum_staff_answers", library_key=key)
            cells = pub.cells[pub.cells["library_key"] == key]
            groups = forum.released_staff_groups(answers, cells, pub.k)
            groups = groups[(groups["measure"] == "wellbeing") & (groups["touchpoint"] == "")]
            released |= {(key, period) for period in groups["period"]}
    # the released groups are the published ones with 0 or >= k incomplete respondents
    assert 5 < len(released) < len(set(zip(rows["library_key"], rows["period"], strict=True)))
    keep = [(a, b) in released for a, b in zip(rows["library_key"], rows["period"], strict=True)]
    pooled = reliability.cronbach_alpha(
        rows[keep].assign(scale="wellbeing"), by=("scale", "period"), k=pub.k
    ).to_dict(orient="records")
    from_packages = forum.forum_alpha(federation["forum"]).to_dict(orient="records")
    assert len(pooled) == len(from_packages) == 6
    for want, got in zip(pooled, from_packages, strict=True):
        assert got["period"] == want["period"] and got["n"] == want["n"]
        assert got["n_incomplete"] == want["n_incomplete"]
        for key in ("alpha", "ci_low", "ci_high"):
            assert got[key] == pytest.approx(want[key], rel=TOL, abs=TOL)


def test_forum_cells_are_the_pooled_cells_bit_for_bit(federation):
    a = publish.published(federation["pooled"]).cells.reset_index(drop=True)
    b = publish.published(federation["forum"]).cells.reset_index(drop=True)
    keys = ["library_key", "period", "side", "measure", "touchpoint"]
    pd.testing.assert_frame_equal(a[keys], b[keys])
    for col in ["n", "mean", "sd", "ss_within", "promoters", "detractors", "suppressed"]:
        pd.testing.assert_series_equal(a[col], b[col], check_exact=True)


def test_consent_and_listing_on_the_forum(federation):
    with db.reading(federation["forum"]) as con:
        libraries = queries.run(con, "libraries_all")
    consent = dict(zip(libraries["library_key"], libraries["consent_named"], strict=True))
    expected = federation["files"].libraries.set_index("library")["consent_named"].to_dict()
    assert consent == expected and any(expected.values()) and not all(expected.values())
    listing = forum.received(federation["forum"])
    assert set(listing["library_key"]) == set(expected)
    assert (listing["status"] == "active").all() and len(listing) == 15 * 6


def test_package_holds_no_rows_and_nothing_below_k(federation):
    path = federation["packages"]["glostrup"]  # glostrup 2021: 4 staff answers
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read(fmt.MANIFEST))
        assert sorted(zf.namelist()) == sorted(
            [fmt.MANIFEST, *(spec["file"] for spec in manifest["tables"].values())]
        )
    _, tables = fmt.read_package(path)
    cells = tables["cells"]
    small = cells[(cells["side"] == "staff") & (cells["period"] == "2021")]
    assert (small["n"] == 4).all() and small["suppressed"].all()
    assert small[fmt.STAFF_FIGURES].isna().all().all()
    assert "2021" not in set(tables["items"].loc[tables["items"]["side"] == "staff", "period"])
    assert "2021" not in set(tables["item_covariances"]["period"])
    columns = {c for t in tables.values() for c in t.columns}
    assert not columns & {"respondent_id", "respondent_hash", "response_id", "comment", "text"}
    text = " ".join(str(v) for t in tables.values() for c in t.columns for v in t[c].unique())
    assert "M011" not in text and "B011" not in text  # demo respondent ids
    assert manifest["library"]["library_key"] == "glostrup" and manifest["k"] == 5


def test_kiosk_days_travel_per_day(federation):
    kiosk_files = [p for p in federation["files"].paths if p.parent.name == "kiosk"]
    assert kiosk_files
    key = kiosk_files[0].name.split("-smiley")[0]
    _, tables = fmt.read_package(federation["packages"][key])
    days = tables["kiosk_days"]
    with db.reading(federation["installations"][key]) as con:
        raw = queries.run(con, "forum_kiosk_days", library_key=key)
    assert int(days["n"].sum()) == int(raw["n"].sum()) > 0
    assert set(days.columns) == set(fmt.TABLES["kiosk_days"].names)


def _copy(path: Path, target: Path) -> Path:
    for item in path.parent.iterdir():
        if item.name.startswith(path.name) and not item.name.endswith(".lock"):
            shutil.copy(item, target.parent / item.name.replace(path.name, target.name))
    return target


def test_newer_package_supersedes_per_period_and_undo_restores(federation, tmp_path):
    forum_db = _copy(federation["forum"], tmp_path / "forum.duckdb")
    lib_db = _copy(federation["installations"]["vejle"], tmp_path / "vejle.duckdb")
    before = publish.published(forum_db).cells
    # the library now agrees to be named and re-sends two periods
    load.register_libraries(
        lib_db,
        pd.DataFrame(
            {"library": ["vejle"], "display_name": ["Vejle Bibliotekerne"], "consent_named": [True]}
        ),
    )
    out = tmp_path / "vejle-2024-2025.zip"
    forum.build_package(lib_db, out, periods=["2025", "2024"], now=datetime(2030, 1, 1, tzinfo=UTC))
    report = load.load_file(forum_db, out, loaded_by="test")
    assert report.status == "loaded" and any("replaced" in w for w in report.warnings)
    listing = forum.received(forum_db)
    vejle = listing[listing["library_key"] == "vejle"]
    status = {(int(r.upload_id), r.period): r.status for r in vejle.itertuples()}
    old = int(vejle["upload_id"].min())
    assert status[(old, "2024")] == status[(old, "2025")] == "superseded"
    assert status[(old, "2023")] == "active" and status[(report.upload_id, "2024")] == "active"
    after = publish.published(forum_db).cells
    pd.testing.assert_frame_equal(before, after)  # same figures, now from the newer package
    with db.reading(forum_db) as con:
        assert (
            queries.run(con, "libraries_all").set_index("library_key").loc["vejle", "consent_named"]
        )
    load.undo(forum_db, report.upload_id)
    listing = forum.received(forum_db)
    vejle = listing[(listing["library_key"] == "vejle") & (listing["upload_id"] == old)]
    assert (vejle["status"] == "active").all()
    pd.testing.assert_frame_equal(before, publish.published(forum_db).cells)
    with db.reading(forum_db) as con:
        libraries = queries.run(con, "libraries_all").set_index("library_key")
    assert not libraries.loc["vejle", "consent_named"]
    # loading the same file twice changes nothing
    again = load.load_file(forum_db, federation["packages"]["vejle"], loaded_by="test")
    assert again.status == "duplicate"


def _rewrite(source: Path, target: Path, *, manifest=None, tables=None) -> Path:
    """A copy of a package with the manifest and/or raw table bytes replaced."""
    members = zip_members(source)
    if manifest is not None:
        members[fmt.MANIFEST] = json.dumps(manifest).encode()
    members.update(tables or {})
    return write_zip(members, target)


def _manifest(path: Path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read(fmt.MANIFEST))


def test_changed_table_is_refused_by_its_checksum(federation, tmp_path):
    source = federation["packages"]["herlev"]
    _, tables = fmt.read_package(source)
    cells = tables["cells"].copy()
    cells.loc[0, "mean"] = 99.0
    bad = _rewrite(
        source, tmp_path / "bad.zip", tables={"cells.parquet": fmt.table_bytes(cells, "cells")}
    )
    with pytest.raises(load.LoadRefused, match="checksum mismatch in table cells") as info:
        load.load_file(tmp_path / "f.duckdb", bad)
    assert "\n" not in str(info.value)
    assert not (tmp_path / "f.duckdb").exists()


@pytest.mark.parametrize(
    ("version", "message"),
    [(0, "too old to be verified"), (99, "newer than this Service Mirror reads")],
)
def test_other_package_versions_are_refused_clearly(federation, tmp_path, version, message):
    source = federation["packages"]["herlev"]
    manifest = _manifest(source) | {"package_version": version, "product_version": "0.0.1"}
    bad = _rewrite(source, tmp_path / f"v{version}.zip", manifest=manifest)
    with pytest.raises(load.LoadRefused, match=message) as info:
        load.load_file(tmp_path / "f.duckdb", bad)
    assert "\n" not in str(info.value)


def test_package_from_an_older_product_version_is_read(federation, tmp_path):
    source = federation["packages"]["herlev"]
    manifest = _manifest(source) | {"product_version": "0.0.1", "schema_version": 1}
    manifest.pop("signature")  # an older Service Mirror did not sign its packages
    older = _rewrite(source, tmp_path / "older.zip", manifest=manifest)
    report = load.load_file(tmp_path / "f.duckdb", older)
    assert report.status == "loaded"
    assert forum.received(tmp_path / "f.duckdb")["product_version"].eq("0.0.1").all()


def test_staff_figure_below_k_is_refused_even_with_a_valid_checksum(federation, tmp_path):
    source = federation["packages"]["glostrup"]
    _, tables = fmt.read_package(source)
    cells = tables["cells"].copy()
    cells.loc[cells["suppressed"], "mean"] = 60.0
    data = fmt.table_bytes(cells, "cells")
    manifest = _manifest(source)
    manifest["tables"]["cells"]["sha256"] = fmt.sha256(data)
    bad = _rewrite(source, tmp_path / "leak.zip", manifest=manifest, tables={"cells.parquet": data})
    with pytest.raises(load.LoadRefused, match="anonymity rule"):
        load.load_file(tmp_path / "f.duckdb", bad)


def test_extra_member_is_refused(federation, tmp_path):
    bad = _rewrite(
        federation["packages"]["herlev"],
        tmp_path / "extra.zip",
        tables={"raw.csv": b"respondent_id,value\n1,5\n"},
    )
    with pytest.raises(load.LoadRefused, match="does not list"):
        load.load_file(tmp_path / "f.duckdb", bad)


def test_package_refuses_load_overrides(federation, tmp_path):
    with pytest.raises(load.LoadRefused, match="names its own library"):
        load.load_file(tmp_path / "f.duckdb", federation["packages"]["herlev"], library="x")


def test_version_1_database_is_migrated(tmp_path):
    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    con.execute(queries.sql("schema"))
    queries.execute(con, "meta_set", key="schema_version", value="1")
    queries.execute(con, "meta_set", key="data_version", value="3")
    con.close()
    with pytest.raises(db.DatabaseError, match="schema version 1"):
        with db.reading(path):
            pass
    with db.writing(path):
        pass
    with db.reading(path) as con:
        assert queries.scalar(con, "meta_get", key="schema_version") == str(db.SCHEMA_VERSION)
        assert queries.run(con, "forum_packages_list").empty
        assert queries.run(con, "cells").empty
        assert queries.run(con, "library_facts_all").empty


def test_cli_forum_package_load_and_listing(federation, tmp_path):
    run = run_cli

    out = tmp_path / "p.zip"
    done = run(
        "forum-package",
        "--db",
        federation["installations"]["herlev"],
        "--out",
        out,
        "--periods",
        "2024",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    manifest = json.loads(done.stdout)
    assert manifest["periods"] == ["2024"] and manifest["library"]["library_key"] == "herlev"
    assert set(manifest["tables"]) == set(fmt.TABLES)
    forum_db = tmp_path / "forum.duckdb"
    assert run("load", out, "--db", forum_db).returncode == 0
    listing = json.loads(run("forum", "--db", forum_db, "--json").stdout)
    assert [(r["library_key"], r["period"], r["status"]) for r in listing] == [
        ("herlev", "2024", "active")
    ]
    text = run("forum", "--db", forum_db).stdout
    assert "Herlev" in text and "2024" in text
    many = run("forum-package", "--db", federation["pooled"], "--out", tmp_path / "x.zip")
    assert many.returncode == 1 and "--library" in many.stderr and "Traceback" not in many.stderr
    bad = run(
        "forum-package",
        "--db",
        federation["installations"]["herlev"],
        "--out",
        tmp_path / "y.zip",
        "--periods",
        "1999",
    )
    assert bad.returncode == 1 and "1999" in bad.stderr and not (tmp_path / "y.zip").exists()


def test_preview_page_shows_the_package_and_a_download(federation, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SERVICEMIRROR_DB", str(federation["installations"]["glostrup"]))
    page = Path(__file__).resolve().parent.parent / "dashboard" / "views" / "forum_package.py"
    for lang, word in (("da", "Pakken indeholder aldrig"), ("en", "The package never contains")):
        at = AppTest.from_file(str(page), default_timeout=120)
        at.session_state["language"] = lang
        at.run()
        assert not at.exception
        assert word in [s.value for s in at.subheader]
        assert len(at.get("download_button")) == 1
        assert at.warning  # glostrup has hidden staff cells, and the page says so
