"""Delete old data everywhere: ``servicemirror purge --before DATE``.

Staff wellbeing answers can be health data (GDPR art. 9), kept no longer than needed. A purge
removes every upload loaded before DATE with all of its rows (each table of
``upload_tables.TABLES``: responses, answers, comments and their tags, aggregates, kiosk counts,
facts, forum packages) and its lineage row, in ONE transaction that bumps the data version (so every
version-keyed cache, in the dashboard and in ``publish``/``hypothesis``, drops what it held), then
checkpoints. Leftover temporary copies of uploads older than an hour (a load killed mid-parse
leaves one) are removed from the temp folder too.

Limits (docs/privacy.md): libraries, branches, items and settings stay (reference data, no
respondent in them); facts entered without an upload stay; copies outside the database (backups
made with ``export``, the original export files, file-system snapshots) are not touched.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from servicemirror import queries
from servicemirror.core import db, upload_tables
from servicemirror.privacy import cells_table

TEMP_PREFIXES = ("servicemirror-",)  # etl.detect.to_utf8 and servicemirror.app.uploading
TEMP_MIN_AGE_SECONDS = 3600  # a running load never keeps its copy this long


class PurgeRefused(ValueError):
    """A purge that cannot run (bad date); one line."""


@dataclass
class PurgeResult:
    """Rows removed per table, the new data version and the temporary copies removed."""

    before: str
    removed: dict[str, int] = field(default_factory=dict)
    data_version: int = 0
    temp_removed: int = 0
    dry_run: bool = False

    def to_json(self) -> dict:
        return {
            "before": self.before,
            "removed": self.removed,
            "data_version": self.data_version,
            "temp_removed": self.temp_removed,
            "dry_run": self.dry_run,
        }


def parse_date(text: str) -> date:
    """An ISO date (YYYY-MM-DD); PurgeRefused otherwise."""
    try:
        return date.fromisoformat(str(text).strip())
    except ValueError:
        raise PurgeRefused(
            f"--before {text!r}: give a date as YYYY-MM-DD, e.g. --before 2021-01-01."
        ) from None


def purge(db_path: Path, before: date, *, dry_run: bool = False) -> PurgeResult:
    """Delete every upload loaded before ``before`` (local midnight) and all its rows.

    With ``dry_run`` only counts what would go. Returns the counts per table: ``uploads`` and
    each table of ``upload_tables.TABLES``.
    """
    db_path = Path(db_path)
    result = PurgeResult(before=before.isoformat(), dry_run=dry_run)
    if dry_run:
        with db.reading(db_path) as con:
            result.removed = _counts(con, _old_uploads(con, before))
        result.data_version = db.data_version(db_path)
        return result
    with db.writing(db_path) as con:
        _require_covered(con, db_path)
        ids = _old_uploads(con, before)
        scope = cells_table.scope_of_uploads(con, ids)  # while their rows are there
        result.removed = {"uploads": len(ids)} | upload_tables.remove(con, ids)
        queries.execute(con, "purge_before", upload_ids=ids)
        cells_table.refresh_scope(con, scope)
    result.data_version = db.data_version(db_path)
    result.temp_removed = sweep_temp_copies()
    return result


def _old_uploads(con, before: date) -> list[int]:
    return [
        int(i) for i in queries.run(con, "purge_uploads", before=before.isoformat())["upload_id"]
    ]


def _require_covered(con, db_path: Path) -> None:
    """Every table an upload writes to is purged: refuse (delete nothing) when one is not."""
    missing = upload_tables.unknown(con)
    if missing:
        raise PurgeRefused(
            f"{db_path}: purge does not know the table(s) {', '.join(missing)} yet, so it deleted "
            "nothing; update Service Mirror."
        )


def _counts(con, upload_ids: list[int]) -> dict[str, int]:
    return {"uploads": len(upload_ids)} | upload_tables.count(con, upload_ids)


def sweep_temp_copies(
    folder: Path | None = None, min_age: float = TEMP_MIN_AGE_SECONDS, now: float | None = None
) -> int:
    """Remove Service Mirror's temporary upload copies older than ``min_age`` seconds; returns how many."""
    folder = Path(folder or tempfile.gettempdir())
    now = time.time() if now is None else now
    removed = 0
    for entry in folder.iterdir():
        if not entry.name.startswith(TEMP_PREFIXES) or not entry.is_dir() or entry.is_symlink():
            continue
        if now - entry.stat().st_mtime < min_age:
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed += not entry.exists()
    return removed
