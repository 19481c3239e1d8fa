"""The national database that benchmarks 3-5 read: every generated export loaded by the product.

Libraries are registered first, then the staff file, the patron files (one per period) and the
kiosk press files (one per month) go through ``load_file``, exactly as an administrator would load
them. The kiosk part is timed on its own: it is one product run of benchmark 2. The database is
kept beside the generated files and reused while the manifest (scale and generator version) and
this module's BUILD_VERSION are unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.common import remove_db, run_child
from bench.generate import library_names
from bench.imports import kiosk_files

BUILD_VERSION = 1


def build(manifest: dict, work: Path) -> tuple[Path, dict | None]:
    """(database path, the kiosk load's child result or None when the database was reused)."""
    db = work / "national.duckdb"
    stamp = work / "national.json"
    key = {"scale": manifest["scale"], "version": manifest["version"], "build": BUILD_VERSION}
    if db.exists() and stamp.exists() and json.loads(stamp.read_text()) == key:
        return db, None
    stamp.unlink(missing_ok=True)
    remove_db(db)
    from bench.generate import Scale

    names = library_names(Scale(**manifest["scale"]))
    surveys = [manifest["files"]["staff_long"]] + sorted(
        p for k, p in manifest["files"].items() if k.startswith("patron_long_")
    )
    survey_run = run_child("load", {"db": str(db), "files": surveys, "register": names})
    if set(survey_run["statuses"]) != {"loaded"}:
        raise RuntimeError(f"national build: survey files not all loaded: {survey_run['statuses']}")
    kiosk_run = run_child("load", {"db": str(db), "files": kiosk_files(manifest)})
    if set(kiosk_run["statuses"]) != {"loaded"}:
        raise RuntimeError(f"national build: kiosk files not all loaded: {kiosk_run['statuses']}")
    stamp.write_text(json.dumps(key))
    kiosk_run["survey_seconds"] = survey_run["seconds"]
    kiosk_run["survey_answers"] = survey_run["answers"]
    return db, kiosk_run
