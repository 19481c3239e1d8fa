"""Uploads from the dashboard: browser bytes -> private temporary file -> ``etl.load``.

Readers work on file paths, so an upload is first written to a
temporary file. The browser's file name is a label, never a location: each upload gets its own
fresh private folder (``tempfile.mkdtemp``) and the file inside it is named by a reduced base name
(letters, digits, space, ``._-()``; no separators, no leading dot), so a hostile name such as
``../../etc/passwd`` can neither leave that folder nor touch another upload. The reduced name is
kept because the upload history shows it and ``etl.load`` records it as ``uploads.file_name``.

Nothing here imports streamlit; the Upload page and tests call these functions.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from servicemirror import queries
from servicemirror.core import db, labels
from servicemirror.etl import load, mapping
from servicemirror.etl.readers.base import ReadError
from servicemirror.etl.registry import READERS

log = logging.getLogger(__name__)

# what the uploader accepts; detection itself looks at the bytes, not at the suffix
ACCEPTED_SUFFIXES = ("csv", "txt", "tsv", "xlsx", "zip")
MAX_NAME = 120
REJECTED_SHOWN = 200  # the page lists this many rejected rows; the CLI's --json has them all
EXPECTED = (load.LoadRefused, ReadError, db.DatabaseError)


@dataclass(frozen=True)
class Options:
    """What the user told us about a file that detection could not settle (the mapping hook).

    Every field maps 1:1 to a keyword of ``etl.load.prepare``/``load_file`` and to a CLI flag
    (``--as``, ``--library``, ``--period``, ``--format``, ``--mapping``). ``mapping`` is the
    column mapping from the page's editor as JSON text (text keeps Options hashable, so the page
    can cache previews by it).
    """

    respondent_type: str | None = None
    library: str | None = None
    period: str | None = None
    format: str | None = None
    mapping: str | None = None
    lang: str = "en"  # the page's language: the refusal line is written in it

    def kwargs(self) -> dict:
        """Keyword arguments for ``etl.load``; blank text counts as "not given"."""
        return {
            "respondent_type": self.respondent_type or None,
            "library": (self.library or "").strip() or None,
            "period": (self.period or "").strip() or None,
            "format": self.format or None,
            "mapping": json.loads(self.mapping) if self.mapping else None,
            "lang": self.lang if self.lang in ("da", "en") else "en",
        }


@dataclass
class Outcome:
    """What happened to one uploaded file: a preview, a load, or one line saying why not."""

    name: str
    status: str  # preview | loaded | duplicate | refused
    report: dict = field(default_factory=dict)  # LoadReport.to_json() when read
    message: str | None = None
    # what a wide reader understood (format, headers, spec, profile): the mapping editor's input,
    # kept also for a refused preview, since that is when the editor is needed most
    interpretation: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status in ("preview", "loaded", "duplicate")


def formats() -> list[str]:
    """The names of the registered readers (for the "format" override)."""
    return sorted(READERS)


def safe_name(name: str) -> str:
    """A base name safe to create inside our own temporary folder; "upload" when nothing is left.

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("Trivsel 2024 (Gentofte).csv")
    'Trivsel 2024 (Gentofte).csv'
    """
    base = re.split(r"[\\/]", str(name))[-1]
    base = re.sub(r"[^\w .()\-]", "_", base).strip(" .")
    return base[:MAX_NAME] or "upload"


@contextmanager
def staged(name: str, content: bytes) -> Iterator[Path]:
    """The bytes written to a fresh private temporary folder; the folder is removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="servicemirror-upload-"))
    try:
        path = folder / safe_name(name)
        path.write_bytes(content)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _refused(name: str, message: str) -> Outcome:
    return Outcome(safe_name(name), "refused", message=message)


def _unexpected(name: str, exc: Exception, lang: str = "en") -> Outcome:
    # a reader bug must not become a traceback on the page; it is logged in full for the admin
    log.exception("upload of %s failed unexpectedly", safe_name(name))
    return _refused(
        name,
        labels.t("load_unexpected", lang, file=safe_name(name), error=type(exc).__name__),
    )


def preview(db_path: Path, name: str, content: bytes, options: Options = Options()) -> Outcome:
    """Interpret and validate one file without writing anything (``load --dry-run``)."""
    if not content:
        return _refused(name, labels.t("read_empty", options.lang, file=safe_name(name)))
    seen: dict = {}
    try:
        with staged(name, content) as path:
            prepared = load.prepare(Path(db_path), path, interpretation=seen, **options.kwargs())
    except EXPECTED as exc:
        outcome = _refused(name, labels.say(exc, options.lang))
        outcome.interpretation = seen
        return outcome
    except Exception as exc:  # noqa: BLE001 - one clear line on the page, full detail in the log
        return _unexpected(name, exc, options.lang)
    return Outcome(safe_name(name), "preview", prepared.report.to_json(), interpretation=seen)


def commit(
    db_path: Path,
    name: str,
    content: bytes,
    options: Options = Options(),
    loaded_by: str = "dashboard",
    allowed_libraries: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
    profile: tuple[str, list[str]] | None = None,
    on_written: Callable | None = None,
) -> Outcome:
    """Load one file: all of its valid rows in one transaction, or nothing (database unchanged).

    The file is interpreted again at this point rather than reusing the preview, because another
    upload may have changed what the database knows (libraries, items) since the preview.
    ``allowed_libraries``: the libraries the uploader may load for (a manager: the own one);
    None = any. A file with data for another library is refused whole. ``progress``: called with
    each stage of ``etl.load.STAGES``. ``profile``: (name, headers) to save ``options.mapping``
    as a mapping profile once the file has loaded, so the next export with these headers loads
    in one step (a refused file saves nothing). ``on_written``: as ``etl.load.load_file``'s (the
    access layer's audit record, written in the upload's own transaction).
    """
    if not content:
        return _refused(name, labels.t("read_empty", options.lang, file=safe_name(name)))
    try:
        with staged(name, content) as path:
            report = load.load_file(
                Path(db_path),
                path,
                loaded_by=loaded_by,
                allowed_libraries=allowed_libraries,
                progress=progress,
                on_written=on_written,
                **options.kwargs(),
            ).to_json()
    except EXPECTED as exc:
        return _refused(name, labels.say(exc, options.lang))
    except Exception as exc:  # noqa: BLE001 - the write rolled back; say so in one line
        return _unexpected(name, exc, options.lang)
    if profile is not None and options.mapping and report["status"] in ("loaded", "duplicate"):
        saved = json.loads(options.mapping)
        # a type chosen with the override belongs to the survey, so the profile keeps it too
        saved["respondent_type"] = options.respondent_type or saved.get("respondent_type")
        load.save_mapping_profile(Path(db_path), profile[0], saved, profile[1])
    return Outcome(safe_name(name), report["status"], report, report.get("message"))


# --------------------------------------------------------------------------- mapping editor


def mapping_gaps(outcome: Outcome, options: Options = Options()) -> list[tuple[str, str | None]]:
    """What the reader could not settle for this file (``etl.mapping.gaps``); [] when all is known.

    A refused file that a wide reader did read but could not load (e.g. no library column) has
    gaps too; one that no reader understood has none (the format override is the way there).
    """
    spec = outcome.interpretation.get("spec")
    kwargs = options.kwargs()
    return mapping.gaps(
        spec,
        outcome.report,
        library=kwargs["library"],
        period=kwargs["period"],
        respondent_type=kwargs["respondent_type"],
    )


def editor_table(outcome: Outcome) -> pd.DataFrame | None:
    """The mapping editor's table for a file (``etl.mapping.editor_table``); None for non-wide files."""
    seen = outcome.interpretation
    if not seen.get("spec"):
        return None
    return mapping.editor_table(seen["spec"], seen["headers"], outcome.report.get("items"))


def editor_roles(outcome: Outcome) -> list[str]:
    """The roles the editor offers for this file."""
    return mapping.editor_roles(outcome.interpretation["spec"])


def edited_mapping(
    outcome: Outcome,
    table: pd.DataFrame,
    respondent_type: str | None,
    current: str | None = None,
) -> str:
    """The edited table as a mapping in JSON text (for ``Options.mapping``); ValueError if invalid.

    ``respondent_type``: the type chosen on the page, saved in the profile so the next export
    does not have to be told again. ``current``: the mapping in use, whose ``libraries`` are kept.
    """
    result = mapping.from_editor(table, outcome.interpretation["spec"])
    libraries = (json.loads(current) if current else {}).get("libraries")
    if libraries:
        result["libraries"] = libraries
    if respondent_type:
        result["respondent_type"] = respondent_type
    return json.dumps(result, ensure_ascii=False, sort_keys=True)


def library_map_table(outcome: Outcome, mapping_json: str | None) -> pd.DataFrame | None:
    """The names in the file (codes, kiosk locations) and the library each maps to; None if none.

    The page's library editor: what the mapping's ``libraries`` holds is filled in, the rest is
    blank (the name is then matched as written).
    """
    values = outcome.interpretation.get("libraries") or []
    if not values:
        return None
    current = (json.loads(mapping_json) if mapping_json else {}).get("libraries") or {}
    return pd.DataFrame(
        {"value": values, "library": [current.get(v, "") for v in values]},
        columns=["value", "library"],
    )


def with_library_map(mapping_json: str | None, table: pd.DataFrame) -> str:
    """The mapping (JSON text) with ``libraries`` from the edited table; blank rows are left out."""
    result = json.loads(mapping_json) if mapping_json else {}
    names = {
        str(value).strip(): str(library).strip()
        for value, library in zip(table["value"], table["library"], strict=True)
        if isinstance(library, str) and library.strip()
    }
    if names:
        result["libraries"] = names
    else:
        result.pop("libraries", None)
    return json.dumps(result, ensure_ascii=False, sort_keys=True)


def stage_fraction(number: int, total: int, stage: str) -> float:
    """Share of an upload of ``total`` files done when ``stage`` of file ``number`` begins."""
    step = load.STAGES.index(stage) / (len(load.STAGES) - 1)
    return min(((number - 1) + step) / max(total, 1), 1.0)


def profile_headers(outcome: Outcome) -> list[str]:
    """The headers a mapping profile for this file is keyed by (its header signature)."""
    return list(outcome.interpretation.get("headers") or [])


def items_table(report: dict) -> pd.DataFrame:
    """The items of a load report: column, item, construct, scale ("1–5"), n, mean, nps."""
    rows = [
        {
            "column": item.get("column"),
            "item": item.get("item"),
            "construct": item.get("construct"),
            "scale": _scale(item.get("scale")),
            "n": item.get("n"),
            "mean": None if item.get("mean") is None else round(float(item["mean"]), 2),
            "nps": None if item.get("nps") is None else round(float(item["nps"]), 1),
        }
        for item in report.get("items") or []
    ]
    return pd.DataFrame(rows, columns=["column", "item", "construct", "scale", "n", "mean", "nps"])


def _scale(scale) -> str | None:
    if not scale:
        return None
    lo, hi = scale
    return f"{lo:g}–{hi:g}"


COLUMN_TABLE = ["column", "role", "item", "construct", "scale", "scale_source", "reason"]


def columns_table(report: dict) -> pd.DataFrame:
    """Every column of the file with its role, item, construct, scale, scale source and reason.

    The same table as ``load --dry-run --json``'s ``columns``, so the user can check that
    nothing was invented or lost.
    """
    return pd.DataFrame(report.get("columns") or [], columns=COLUMN_TABLE)


def rejected_table(report: dict) -> pd.DataFrame:
    """The rejected rows of a load report: row, column, value, reason (values as text)."""
    frame = pd.DataFrame(report.get("rejected") or [], columns=["row", "column", "value", "reason"])
    # values are whatever the file held; as text they show the same in any column type
    frame["value"] = frame["value"].map(lambda v: None if v is None else str(v))
    return frame


# what history_table keeps, in order (loaded_minute is shown as loaded_at)
HISTORY_COLUMNS = (
    "upload_id",
    "file_name",
    "format",
    "respondent_type",
    "rows_loaded",
    "rows_rejected",
    "responses_superseded",
    "loaded_minute",
    "status",
)


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    """The columns of the upload history a manager reads, loaded_at to the minute (the query's
    ``loaded_minute``, formatted in SQL)."""
    shown = [c if c != "loaded_minute" else "loaded_at" for c in HISTORY_COLUMNS]
    if tuple(history.columns[: len(HISTORY_COLUMNS)]) == HISTORY_COLUMNS:
        # uploads_list.sql puts them first, in order: one slice, no column copied out (a third
        # of the cost of picking them by position, on every Upload and Data quality view)
        out = history.iloc[:, : len(HISTORY_COLUMNS)]
        out.columns = shown
        return out
    where = {name: i for i, name in enumerate(history.columns)}
    missing = [c for c in HISTORY_COLUMNS if c not in where]
    if missing:
        raise KeyError(f"upload history without columns {missing} (uploads_list.sql)")
    out = history.iloc[:, [where[c] for c in HISTORY_COLUMNS]]
    out.columns = shown
    return out


def history(db_path: Path) -> pd.DataFrame:
    """Every upload, newest first (``queries/uploads_list.sql``); empty without a database."""
    if not db.exists(Path(db_path)):
        return pd.DataFrame(
            columns=[*HISTORY_COLUMNS, "kind", "rows_read", "loaded_by", "loaded_at"]
        )
    with db.reading(Path(db_path)) as con:
        return queries.run(con, "uploads_list")


def undo(db_path: Path, upload_id: int) -> Outcome:
    """Undo one upload; the outcome carries ``etl.load.undo``'s result or one line saying why not."""
    try:
        result = load.undo(Path(db_path), int(upload_id))
    except EXPECTED as exc:
        return Outcome(str(upload_id), "refused", message=str(exc))
    return Outcome(str(result["file_name"]), "undone", result)
