"""Shared fixtures: small databases built through the product's own load path."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.privacy import access, users

FIXTURES = Path(__file__).parent / "fixtures"

# the columns every long-format file starts with; test files add their own after these
LONG_KEYS = ["library", "period", "respondent_type", "respondent_id", "item", "value"]

# what a multilevel result must report (docs/statistics.md), written out here rather than taken
# from analysis/ so that a field the code drops fails the tests
MULTILEVEL_FIELDS = set("slope se t df p ci_low ci_high tau00 sigma2 converged optimizer".split())


def run_cli(*args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``servicemirror ARGS`` in a fresh process, as a user runs it (text output captured)."""
    return subprocess.run(
        [sys.executable, "-m", "servicemirror.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def dict_nodes(tree):
    """Every dict in a nested tree of dicts and lists (a chart spec), each before its children."""
    if isinstance(tree, dict):
        yield tree
        for value in tree.values():
            yield from dict_nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from dict_nodes(value)


def zip_members(path: Path) -> dict[str, bytes]:
    """Every member of a zip file (a forum package): name -> bytes."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(members: dict[str, bytes], target: Path) -> Path:
    """A zip file at ``target`` holding ``members`` (name -> bytes), e.g. a tampered package."""
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def long_frame(rows: list[list], extra: list[str] = (), construct: bool = True) -> pd.DataFrame:
    """``rows`` as a long-format table: the six key columns, then ``extra``; with ``construct``
    a ``construct`` column that marks comment items (``comment``) and is blank otherwise."""
    frame = pd.DataFrame(rows, columns=LONG_KEYS + list(extra))
    if construct:
        frame["construct"] = np.where(frame["item"] == "comment", "comment", "")
    return frame


def write_long(path: Path, rows: list[list], extra: list[str] = (), construct: bool = True) -> Path:
    """Write :func:`long_frame` of ``rows`` as a CSV at ``path`` (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    long_frame(rows, extra, construct).to_csv(path, index=False)
    return path


def open_page(page: str, db_path: Path, monkeypatch, lang: str = "en"):
    """The dashboard (app.py, through its router) on ``page`` over ``db_path``, run once: an
    ``AppTest`` in ``lang`` (chosen in the session, as the language picker does)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SERVICEMIRROR_DB", str(db_path))
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    at = AppTest.from_file(str(app), default_timeout=180)
    at.session_state["language"] = lang
    at.switch_page(f"views/{page}.py")
    at.run()
    return at


def sent_text(at) -> str:
    """Everything a page sent to the browser (an ``AppTest`` after ``run``), as text: chart and
    table data included."""
    parts = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def write_small_forum(folder: Path, seed: int = 7) -> list[Path]:
    """Long CSVs for 6 libraries x 2 periods; library F has only 3 staff answers in 2023.

    Staff: 5 wellbeing items (1-5) + eNPS; patrons: overall satisfaction (1-5), NPS, one touchpoint.
    """
    rng = np.random.default_rng(seed)
    rows = []
    libraries = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]
    for li, lib in enumerate(libraries):
        for period in ("2023", "2024"):
            n_staff = 3 if (lib == "Zeta" and period == "2023") else 6 + li
            for s in range(n_staff):
                rid = f"{lib}-{period}-s{s}"
                level = 3 + 0.25 * li
                for w in range(1, 6):
                    value = int(np.clip(round(level + rng.normal(0, 0.8)), 1, 5))
                    rows.append([lib, period, "staff", rid, f"core_w{w}", value, "", ""])
                rows.append(
                    [lib, period, "staff", rid, "core_enps", int(rng.integers(4, 11)), "", ""]
                )
            for p in range(20):
                rid = f"{lib}-{period}-p{p}"
                value = int(np.clip(round(3.5 + 0.2 * li + rng.normal(0, 0.7)), 1, 5))
                rows.append([lib, period, "patron", rid, "core_sat", value, "", ""])
                rows.append(
                    [lib, period, "patron", rid, "core_nps", int(rng.integers(5, 11)), "", ""]
                )
                rows.append(
                    [lib, period, "patron", rid, "tp_counter", int(rng.integers(2, 6)), "", ""]
                )
                if p == 0:
                    rows.append(
                        [lib, period, "patron", rid, "comment", "", "", "Skriv til mig: a@b.dk"]
                    )
    frame = long_frame(rows, ["branch", "comment"])
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for side, part in frame.groupby("respondent_type"):
        path = folder / f"small_{side}.csv"
        part.to_csv(path, index=False)
        paths.append(path)
    return paths


@pytest.fixture
def small_forum_files(tmp_path) -> list[Path]:
    return write_small_forum(tmp_path / "files")


@pytest.fixture
def small_db(tmp_path, small_forum_files) -> Path:
    """A fresh database holding the small forum (staff + patron)."""
    path = tmp_path / "small.duckdb"
    for file in small_forum_files:
        load.load_file(path, file, loaded_by="test")
    return path


def shared_folder(tmp_path_factory, name: str, build) -> Path:
    """A folder filled once per test session by ``build(folder)``, shared by the xdist workers.

    The first worker to ask builds it under a file lock while the other waits; treat what is in
    it as read-only (copy a database before writing to it).
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    target = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            staging = root / f"{name}.staging"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            build(staging)
            staging.rename(target)
    return target


def _shared_build(tmp_path_factory, name: str, build) -> Path:
    """Build a read-only database once per test session, shared by the xdist workers."""
    folder = shared_folder(tmp_path_factory, name, lambda f: build(f / f"{name}.duckdb"))
    return folder / f"{name}.duckdb"


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """The demo database (seed 2011), built once per session by the `servicemirror demo` command
    that `make run` runs; treat it as read-only."""

    def build(path: Path) -> None:
        done = run_cli("demo", "--db", path, "--seed", "2011", timeout=600)
        assert done.returncode == 0, done.stderr

    return _shared_build(tmp_path_factory, "demo", build)


@pytest.fixture
def demo_db_copy(tmp_path, demo_db) -> Path:
    """A private, writable copy of the demo database."""
    target = tmp_path / "demo.duckdb"
    for item in demo_db.parent.iterdir():
        if item.name.startswith("demo.duckdb"):
            shutil.copy(item, tmp_path / item.name)
    return target


@pytest.fixture(scope="session")
def small_db_shared(tmp_path_factory) -> Path:
    """The small forum database built once per session; treat it as read-only (copy to write)."""

    def build(path: Path) -> None:
        for file in write_small_forum(path.parent / "files"):
            load.load_file(path, file, loaded_by="test")

    return _shared_build(tmp_path_factory, "small", build)


@pytest.fixture(scope="session")
def federation(tmp_path_factory) -> dict:
    """The demo forum federated: a pooled database, 15 library installations, their packages, and
    the forum installation built from the packages.

    Built once per test session and shared by the xdist workers (about 85 s); read-only.
    """
    from servicemirror.app import demo, forum

    def build(root: Path) -> None:
        files = demo.generate(2011, root / "files")
        names = ",".join(files.truth["staff_first_names"])

        def install(path: Path, libraries: pd.DataFrame, paths: list[Path]) -> None:
            load.register_libraries(path, libraries)
            load.set_setting(path, "comment_names", names)
            for p in paths:
                load.load_file(path, p, loaded_by="test")

        install(root / "pooled.duckdb", files.libraries, files.paths)
        for key in files.libraries["library"]:
            own = [p for p in files.paths if p.name.startswith(f"{key}-")]
            install(root / f"{key}.duckdb", files.libraries[files.libraries["library"] == key], own)
            forum.build_package(root / f"{key}.duckdb", root / f"{key}.zip")
            report = load.load_file(root / "forum.duckdb", root / f"{key}.zip", loaded_by="test")
            assert report.status == "loaded", report.message
        files.paths = [p.relative_to(root) for p in files.paths]  # the folder is renamed after
        (root / "files.pickle").write_bytes(pickle.dumps(files))

    root = shared_folder(tmp_path_factory, "federation", build)
    files = pickle.loads((root / "files.pickle").read_bytes())
    files.paths = [root / p for p in files.paths]
    keys = list(files.libraries["library"])
    return {
        "root": root,
        "files": files,
        "pooled": root / "pooled.duckdb",
        "forum": root / "forum.duckdb",
        "installations": {key: root / f"{key}.duckdb" for key in keys},
        "packages": {key: root / f"{key}.zip" for key in keys},
    }


def write_one_library(folder: Path, library: str, period: str = "2025", n: int = 12) -> Path:
    """A patron file of one library (the small forum's long format), named after the library,
    so that upload histories differ by library."""
    rng = np.random.default_rng(len(library))
    rows = []
    for p in range(n):
        rid = f"{library}-{period}-x{p}"
        rows.append([library, period, "patron", rid, "core_sat", int(rng.integers(2, 6)), "", ""])
        rows.append([library, period, "patron", rid, "core_nps", int(rng.integers(5, 11)), "", ""])
    return write_long(
        folder / f"{library.lower()}_{period}_patron.csv", rows, ["branch", "comment"]
    )


def copy_database(source: Path, target_dir: Path) -> Path:
    """A writable copy of a database and its sidecar files in ``target_dir``."""
    target_dir.mkdir(parents=True, exist_ok=True)
    for item in source.parent.iterdir():
        if item.name.startswith(source.name):
            shutil.copy(item, target_dir / item.name)
    return target_dir / source.name


@pytest.fixture(scope="module")
def layer_db(small_db_shared, tmp_path_factory) -> Path:
    """Per test module: the small forum plus an Alfa-only and a Beta-only upload (2025)."""
    folder = tmp_path_factory.mktemp("layer")
    path = copy_database(small_db_shared, folder)
    for lib in ("Alfa", "Beta"):
        load.load_file(path, write_one_library(folder / "files", lib), loaded_by="test")
    return path


# --------------------------------------------------------------------------- server mode

PASSWORD = "korrekt hest batteri"
# one user of each role (name -> role, library, password); bo signs in by single sign-on only
SERVER_USERS = {
    "admin@kommune.dk": ("admin", None, PASSWORD),
    "anna@alfa.dk": ("manager", "alfa", PASSWORD),
    "forum@forum.dk": ("forum", None, PASSWORD),
    "bo@beta.dk": ("manager", "beta", None),
}


def write_user_file(path: Path) -> Path:
    """The user file of :data:`SERVER_USERS` (argon2-hashed passwords) at ``path``."""
    for name, (role, library, password) in SERVER_USERS.items():
        users.add(path, name, role, library_key=library, password=password)
    return path


def _server_mode(patch: pytest.MonkeyPatch, path: Path) -> None:
    patch.setenv(users.USERS_ENV, str(path))
    patch.setenv(access.MODE_ENV, "server")


@pytest.fixture
def user_file(tmp_path, monkeypatch) -> Path:
    """Server mode with the user file of :data:`SERVER_USERS`; no paused names carried over (the
    wrong-password log lives beside the file, in this test's folder)."""
    path = write_user_file(tmp_path / "users.json")
    _server_mode(monkeypatch, path)
    return path


@pytest.fixture(scope="module")
def module_user_file(tmp_path_factory) -> Path:
    """:func:`user_file` for a whole test module (one file, server mode until the module ends)."""
    path = write_user_file(tmp_path_factory.mktemp("users") / "users.json")
    with pytest.MonkeyPatch.context() as patch:
        _server_mode(patch, path)
        yield path


@pytest.fixture(autouse=True)
def _no_held_reads_after_a_test():
    """A test that ran a page (the dashboard holds read connections open) leaves none behind:
    the next test may open the same file with DuckDB directly, which a held connection blocks."""
    yield
    from servicemirror.core import db

    db.keep_reads_open(False)  # a page run switches it on again (dashboard/data.py db_path)
    db.let_go()


def write_staff_answers(path: Path, items: dict, people: dict) -> None:
    """A new database with staff answers of one period ('2024'), written directly (no reader):
    ``items`` item code -> instrument id (or None), every item a wellbeing item on 1-5;
    ``people`` response id -> (library, the item codes answered), every answer 4."""
    with db.writing(path, create=True) as con:
        con.execute(
            "insert into items (item_code, construct, scale_min, scale_max, instrument_id) "
            "select * from (values " + ", ".join("(?, 'wellbeing', 1, 5, ?)" for _ in items) + ")",
            [v for kv in items.items() for v in kv],
        )
        con.execute(
            "insert into uploads (upload_id, file_name, sha256, respondent_type) "
            "values (1, 'x.csv', 'x', 'staff')"
        )
        con.execute(
            "insert into responses (response_id, upload_id, library_key, period, respondent_type) "
            "select * from (values "
            + ", ".join("(?, 1, ?, '2024', 'staff')" for _ in people)
            + ")",
            [v for rid, (lib, _) in people.items() for v in (rid, lib)],
        )
        pairs = [(rid, item) for rid, (_, answered) in people.items() for item in answered]
        con.execute(
            "insert into answers (response_id, upload_id, item_code, value) select * from (values "
            + ", ".join("(?, 1, ?, 4.0)" for _ in pairs)
            + ")",
            [v for pair in pairs for v in pair],
        )


@pytest.fixture
def refreshes(monkeypatch) -> list:
    """Every refresh of the stored published cells the test's writes make, in order
    (``cells_table.Refreshed``)."""
    from servicemirror.privacy import cells_table

    seen: list = []
    real = cells_table.refresh

    def spy(con, libraries=None, periods=None):
        done = real(con, libraries, periods)
        seen.append(done)
        return done

    monkeypatch.setattr(cells_table, "refresh", spy)
    return seen


def hundred_libraries_long() -> pd.DataFrame:
    """A national Overview's trends, long: 100 libraries x 8 periods x two measures
    (label, period, measure, value), for the chart-size tests."""
    return pd.DataFrame(
        [
            (f"Library {i}", str(period), measure, 50.0 + i % 7 + period % 3)
            for i in range(100)
            for period in range(2019, 2027)
            for measure in ("Staff", "Patrons")
        ],
        columns=["label", "period", "measure", "value"],
    )
