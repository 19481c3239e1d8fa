"""Database access: one schema, migrations, the sidecar lock, the data version, two processes."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from servicemirror import queries
from servicemirror.core import db


def test_schema_is_idempotent_and_versioned(tmp_path):
    path = tmp_path / "a.duckdb"
    with db.writing(path, create=True):
        pass
    with db.writing(path):
        pass
    with db.reading(path) as con:
        assert queries.scalar(con, "meta_get", key="schema_version") == str(db.SCHEMA_VERSION)
        assert queries.scalar(con, "meta_get", key="data_version") == "2"
    assert db.data_version(path) == 2


def test_only_create_may_make_a_database(tmp_path):
    path = tmp_path / "missing.duckdb"
    with pytest.raises(db.DatabaseError, match="no database here"):
        with db.writing(path):
            pass
    with pytest.raises(db.DatabaseError, match="no database here"):
        with db.reading(path):
            pass
    assert not path.exists()


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.duckdb"
    with db.writing(path, create=True) as con:
        queries.execute(con, "meta_set", key="schema_version", value=str(db.SCHEMA_VERSION + 1))
    with pytest.raises(db.DatabaseError, match="newer than this Service Mirror"):
        with db.writing(path):
            pass


def test_not_a_service_mirror_database(tmp_path):
    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute(queries.sql("table_exists"), {"name": "x"})
    con.close()
    with pytest.raises(db.DatabaseError, match="not a Service Mirror database"):
        with db.reading(path):
            pass


def test_failed_write_rolls_back_and_keeps_version(tmp_path):
    path = tmp_path / "r.duckdb"
    with db.writing(path, create=True):
        pass
    version = db.data_version(path)
    with pytest.raises(RuntimeError):
        with db.writing(path) as con:
            queries.execute(con, "setting_set", key="k_staff", value="7")
            raise RuntimeError("boom")
    with db.reading(path) as con:
        assert queries.scalar(con, "setting_get", key="k_staff") is None
    assert db.data_version(path) == version


def test_busy_database_gives_one_clear_line(tmp_path):
    path = tmp_path / "busy.duckdb"
    with db.writing(path, create=True):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from servicemirror.core import db
                with db.writing(db.Path({str(path)!r})):
                    print("locked", flush=True)
                    time.sleep(5)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(
            db.DatabaseBusy, match="another Service Mirror process is using the database"
        ):
            with db.reading(path, wait=0.5):
                pass
        assert time.monotonic() - started < 3
    finally:
        holder.wait(timeout=30)


READER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from servicemirror.core import db
    from servicemirror.privacy import publish
    path = Path(sys.argv[1])
    stop = Path(sys.argv[2])
    deadline = time.monotonic() + 180  # bounded even if the test never writes the stop file
    reads = 0
    seen = set()
    while time.monotonic() < deadline and not stop.exists():
        with db.reading(path) as con:
            pub = publish.build(con)
        seen.add(pub.data_version)
        reads += 1
    print(reads, len(seen), flush=True)
    """
)


@pytest.mark.slow
def test_dashboard_reads_while_cli_loads_in_two_processes(
    tmp_path, small_db_shared, small_forum_files
):
    path = tmp_path / "busy.duckdb"
    shutil.copy(small_db_shared, path)
    shutil.copy(Path(f"{small_db_shared}.version"), Path(f"{path}.version"))
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(path), str(stop)], stdout=subprocess.PIPE, text=True
    )
    time.sleep(1.0)
    # three CLI loads of new files while the reader keeps reading
    loads = []
    for i in range(3):
        new = tmp_path / f"extra{i}.csv"
        new.write_text(
            "library,period,respondent_type,respondent_id,item,value\n"
            + "".join(f"Alfa,2025,patron,x{i}-{j},core_sat,{1 + j % 5}\n" for j in range(30))
        )
        done = subprocess.run(
            [sys.executable, "-m", "servicemirror.cli", "load", str(new), "--db", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        loads.append(done)
    time.sleep(0.5)  # let the reader see the last version
    stop.touch()
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    reads, versions_seen = (int(x) for x in out.split())
    assert all(done.returncode == 0 for done in loads), [d.stderr for d in loads]
    assert reads > 5 and versions_seen >= 2  # it kept reading and saw the loads land
    with db.reading(path) as con:
        n = queries.run(con, "cells")
    assert (
        int(
            n[(n.library_key == "alfa") & (n.period == "2025") & (n.measure == "satisfaction")][
                "n"
            ].iloc[0]
        )
        == 90
    )
