"""The ONLY writer: file -> reader -> resolved, validated, scrubbed frames -> one transaction.

Reading, interpretation and validation happen before the database lock is taken; the lock is held
only for the inserts and the commit (servicemirror/core/db.py). An upload lands whole or
not at all, and every stored row points to its upload so it can be listed and undone.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from servicemirror import queries
from servicemirror.core import db, labels, safety, upload_tables
from servicemirror.etl import kiosk_names
from servicemirror.etl import mapping as mapping_profiles
from servicemirror.etl.answers import Answers
from servicemirror.etl.detect import sniff
from servicemirror.etl.known import (
    RESPONDENT_TYPES,
    LoadRefused,
    LoadReport,
    _database_state,
    _Prepared,
    _State,
)

# forum.py takes period_of, the service resolve_library(ies), from here
from servicemirror.etl.names import (
    _LibraryResolver,
    _saved_units,
    _unit_rows,
    apply_library_map,
    library_values,
    resolve_libraries,  # noqa: F401
    resolve_library,  # noqa: F401
    unit_instrument,
)
from servicemirror.etl.readers.base import (
    Problem,
    ReadError,
    ReadOptions,
    ReadResult,
)
from servicemirror.etl.readers.forum_package import PackageResult

# the records the service layer writes (etl.records), reached through this module as before
from servicemirror.etl.records import (  # noqa: F401
    PROJECT_STATUSES,
    SEGMENT_DIMENSIONS,
    TARGET_MEASURES,
    add_project,
    add_projects,
    define_persona,
    register_libraries,
    save_mapping_profile,
    set_setting,
    set_target,
    set_targets,
)
from servicemirror.etl.registry import READERS
from servicemirror.etl.validate import (
    _add_scale_sources,
    _aggregate_item_summary,
    _apply_periods,
    _item_summary,
    _problem_json,
    _resolve_items,
    _scrub_comments,
    _scrub_segments,
    _single,
    _validate_aggregates,
    _validate_answers,
    period_of,  # noqa: F401
    refusal,
)
from servicemirror.etl.writer import _test_pause, _write
from servicemirror.privacy import cells_table

# what a ``progress`` callback of prepare/load_file is told, in this order (CLI bar, upload page)
STAGES = ("reading", "checking", "writing", "done")
# an upload's identity (SHA-256 of the file) is hashed on this thread while the file is sniffed
# and read: hashlib lets go of the GIL, so a 200 MB kiosk export costs no extra wall time. The
# same pass tells the kiosk press reader whether the file holds a quote (ReadOptions.scan)
_HASHING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="servicemirror-sha256")
# the next file of a `load a b c ...` is read on this thread while the file before it is written
# (load_file's ``read_next``); a file that is read ahead waits here until its load_file takes it
_AHEAD = ThreadPoolExecutor(max_workers=1, thread_name_prefix="servicemirror-read-ahead")
_READ_AHEAD: dict[tuple, Future] = {}
_AHEAD_LOCK = threading.Lock()


# --------------------------------------------------------------------------- public API


def load_file(
    db_path: Path,
    path: Path,
    *,
    dry_run: bool = False,
    loaded_by: str = "cli",
    allowed_libraries: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
    lang: str = "en",
    on_written: Callable[[object, LoadReport, list[str]], None] | None = None,
    read_next: Path | None = None,
    **reading,
) -> LoadReport:
    """Interpret, validate and (unless ``dry_run``) load one file; returns its report.

    ``reading``: how to read the file, the keywords of :func:`prepare` (respondent_type,
    library, period, format, include_staff_text, mapping, interpretation). ``lang``: the
    language of every message, refusals, row reasons and notes alike.

    Raises LoadRefused (one line) when the file as a whole cannot be loaded; the database is then
    unchanged. Rows that are individually invalid are listed in ``report.rejected``.
    ``allowed_libraries``: the library keys this uploader may load for (a manager: the own
    library); None = any (admin, local mode). A file with data for any other library is refused.
    ``progress``: called with each of :data:`STAGES` as it begins ("done" also after a dry run
    or a duplicate; never after a refusal, which raises).
    ``on_written``: called inside the write transaction once the upload is stored, with the
    connection, the report (its ``upload_id`` set) and the sorted keys of the libraries it wrote
    for: the access layer records the upload in its audit log there, so the record lands with
    the upload or not at all, without a second transaction and a second look-up of the keys.
    ``read_next``: the file the caller loads next with the same ``reading`` and ``lang`` (the
    next file of a `load a b c ...`): it is read (the reader's pass over the file, which touches
    no database) while this one is checked and written, and the next load_file of it takes that
    reading. Everything that reads the database, and the write, stays in order, one file after
    the other.
    """
    db_path, path = Path(db_path), Path(path)
    db.upgrade(db_path)  # an older schema first (its reads below would refuse it)
    # the checks' reads (profiles, known libraries, saved units) share one connection
    with db.holding_reads(db_path):
        prepared = prepare(
            db_path, path, progress=progress, lang=lang, read_next=read_next, **reading
        )
    # the libraries it writes for: the uploader's permission below, the audit hook's record
    library_keys = prepared.library_keys()
    if allowed_libraries is not None:
        others = sorted(library_keys - set(allowed_libraries))
        if others:
            raise LoadRefused.of(
                "load_not_allowed",
                lang=lang,
                file=path.name,
                others=", ".join(others),
                allowed=", ".join(sorted(allowed_libraries)) or "load_no_library",
            )
    report = prepared.report
    if dry_run:
        report.status = "dry_run"
        _stage(progress, "done")
        return report
    _stage(progress, "writing")
    with db.writing(db_path, create=True) as con:
        _test_pause("locked")
        existing = queries.scalar(con, "upload_by_sha256", sha256=prepared.sha256)
        if existing is not None:
            report.status = "duplicate"
            report.upload_id = None
            report.message = labels.t("load_duplicate", lang, file=path.name, upload=existing)
            cells_table.keep_current(con)
            _stage(progress, "done")
            return report
        report.upload_id = _write(con, prepared, loaded_by)
        # the published cells of what this upload touched, in the same transaction
        cells_table.refresh_uploads(con, [report.upload_id])
        report.status = "loaded"
        if on_written is not None:
            on_written(con, report, sorted(library_keys))
    # the writer's notes (superseded respondents, replaced package parts) in the user's language
    report.warnings = [labels.say(w, lang) for w in report.warnings]
    _test_pause("committed")
    _stage(progress, "done")
    return report


def _stage(progress: Callable[[str], None] | None, stage: str) -> None:
    """Tell the caller's progress display which stage begins (no-op without a callback)."""
    if progress is not None:
        progress(stage)


def prepare(
    db_path: Path,
    path: Path,
    *,
    respondent_type: str | None = None,
    library: str | None = None,
    period: str | None = None,
    format: str | None = None,
    include_staff_text: bool = False,
    mapping: dict | None = None,
    progress: Callable[[str], None] | None = None,
    interpretation: dict | None = None,
    lang: str = "en",
    read_next: Path | None = None,
) -> _Prepared:
    """Everything up to the write: read, resolve libraries/periods/items, validate, scrub.

    ``mapping``: a column mapping confirmed for this file (etl.mapping); without one, a saved
    mapping profile whose header signature matches is used by the wide readers.
    ``progress``: called with "reading" and "checking" as they begin (see :data:`STAGES`).
    ``interpretation``: a dict the wide readers fill with the headers and column roles they used
    (``etl.mapping.resolve``): filled even when the file is refused afterwards, so the upload
    page's mapping editor can show what was understood.
    ``lang``: the language of the refusal line and of the rejected rows' reasons ("da" or "en";
    the texts are the ``load_*`` and ``reason_*`` keys of ``servicemirror.core.labels``).
    ``read_next``: see :func:`load_file`; its reading starts as soon as this file's is done.
    """
    path = Path(path)
    if path.is_dir():
        raise LoadRefused(labels.t("load_folder", lang, path=path))
    if not path.is_file():
        raise LoadRefused(labels.t("load_not_a_file", lang, path=path))
    if respondent_type is not None and respondent_type not in RESPONDENT_TYPES:
        raise LoadRefused.of("load_bad_type", lang=lang, value=labels.clip(respondent_type))
    _stage(progress, "reading")
    profiles = mapping_profiles.stored_profiles(db_path)
    # the options the reader's pass depends on: a file read ahead with other ones is read again
    reading = {
        "respondent_type": respondent_type,
        "library": library,
        "period": period,
        "format": format,
        "mapping": mapping,
    }
    ahead = None if interpretation is not None else _taken_ahead(path, profiles, lang, reading)
    try:
        if ahead is not None:
            _test_pause("parsing")
            digest, result = ahead.result()
        else:
            digest, result = _read(path, profiles, lang, reading, interpretation)
        if read_next is not None and interpretation is None:
            _read_ahead(Path(read_next), profiles, lang, reading)
        if interpretation is not None and not isinstance(result, PackageResult):
            # the names the upload page's library editor offers for mapping (codes, locations)
            interpretation["libraries"] = library_values(result)
    except ReadError as exc:
        # the reader names its refusal by key; the user reads it in the language they chose
        raise LoadRefused(exc.text(lang), exc.key, exc.fields) from None
    _stage(progress, "checking")
    if isinstance(result, PackageResult):
        return _prepare_package(result, path, (respondent_type, library, period), lang)
    state = _database_state(db_path)
    # the mapping step's codes and locations: those confirmed on an earlier upload of the same
    # instrument (unit_map) apply without asking again; a mapping given now wins and is saved
    instrument = unit_instrument(result)
    given = {str(k): str(v) for k, v in ((mapping or {}).get("libraries") or {}).items()}
    apply_library_map(result, {**_saved_units(db_path, instrument), **given})
    prepared = _resolve(
        result,
        state,
        path,
        respondent_type,
        library,
        period,
        include_staff_text,
        lang=lang,
        digest=digest,
    )
    if given:
        prepared.unit_map = _unit_rows(instrument, given, state, prepared.new_libraries)
        prepared.report.units_mapped = len(prepared.unit_map)
    # the readers' and the checks' notes in the user's language (labels.Note)
    prepared.report.warnings = [labels.say(w, lang) for w in prepared.report.warnings]
    return prepared


def _read(
    path: Path,
    profiles: dict,
    lang: str,
    reading: dict,
    interpretation: dict | None = None,
    ahead: bool = False,
) -> tuple[Future, ReadResult | PackageResult]:
    """The reader's pass over the file (no database read): the future of its SHA-256 scan and
    what the reader found. ReadError and LoadRefused as :func:`prepare` passes them on.
    ``ahead``: on the read-ahead thread (the test pause is then the taker's)."""
    digest = _HASHING.submit(safety.scan_file, path)
    sniffed = sniff(path)
    if not ahead:
        _test_pause("parsing")
    reader = _choose_reader(path, sniffed, reading["format"], lang)
    options = ReadOptions(
        respondent_type=reading["respondent_type"],
        library=reading["library"],
        period=reading["period"],
        mapping=reading["mapping"],
        profiles=profiles,
        seen=interpretation if interpretation is not None else {},
        scan=digest,
    )
    return digest, reader.read(path, sniffed, options)


def _ahead_key(path: Path, profiles: dict, lang: str, reading: dict) -> tuple:
    """What a reading ahead must match to be used: the same file unchanged since (path, size,
    mtime), the same reading options and language, the same saved mapping profiles."""
    stat = path.stat()
    options = json.dumps(reading, sort_keys=True, default=str)
    saved = json.dumps(profiles, sort_keys=True, default=str)
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns, lang, options, saved)


def _read_ahead(path: Path, profiles: dict, lang: str, reading: dict) -> None:
    """Start reading ``path`` on the read-ahead thread (see load_file's ``read_next``); at most
    one file is held ahead, so an unused reading never piles up."""
    if not path.is_file():
        return
    key = _ahead_key(path, profiles, lang, reading)
    with _AHEAD_LOCK:
        _READ_AHEAD.clear()
        _READ_AHEAD[key] = _AHEAD.submit(_read, path, profiles, lang, reading, ahead=True)


def _taken_ahead(path: Path, profiles: dict, lang: str, reading: dict) -> Future | None:
    """The reading of ``path`` started ahead with these options, taken (used once), or None."""
    with _AHEAD_LOCK:
        if not _READ_AHEAD:
            return None
        return _READ_AHEAD.pop(_ahead_key(path, profiles, lang, reading), None)


def undo(db_path: Path, upload_id: int) -> dict:
    """Remove one upload completely and restore what it had superseded.

    Returns {"upload_id", "file_name", "rows_removed"}; LoadRefused if there is no such active upload.
    """
    with db.writing(db_path) as con:
        row = queries.run(con, "upload_get", upload_id=upload_id)
        if row.empty or row.loc[0, "status"] != "active":
            raise LoadRefused.of("load_no_such_upload", upload=upload_id)
        scope = cells_table.scope_of_uploads(con, [upload_id])  # while its rows are there
        removed = upload_tables.undo(con, upload_id)
        cells_table.refresh_scope(con, scope)
    return {"upload_id": upload_id, "file_name": row.loc[0, "file_name"], "rows_removed": removed}


def _choose_reader(path: Path, sniffed, format: str | None, lang: str = "en"):
    if format is not None:
        if format not in READERS:
            raise LoadRefused.of(
                "load_unknown_format",
                lang=lang,
                format=labels.clip(format),
                known=", ".join(sorted(READERS)),
            )
        return READERS[format]
    scores = sorted(((r.detect(sniffed, path), r.name) for r in READERS.values()), reverse=True)
    if not scores or scores[0][0] <= 0:
        raise LoadRefused.of("load_not_recognised", lang=lang, file=path.name)
    return READERS[scores[0][1]]


def _resolve(
    result: ReadResult,
    state: _State,
    path: Path,
    respondent_type: str | None,
    library: str | None,
    period: str | None,
    include_staff_text: bool,
    *,
    digest: Future,
    lang: str = "en",
) -> _Prepared:
    report = LoadReport(
        file=path.name,
        format=result.format,
        encoding=result.encoding,
        records=result.records,
        warnings=list(result.warnings),
        columns=list(result.columns),
    )
    problems: list[Problem] = list(result.rejected)
    has_rows = not result.responses.empty
    has_aggregates = not result.aggregates.empty
    has_kiosk = len(result.kiosk) > 0
    if not (has_rows or has_aggregates or has_kiosk):
        report.rejected = [_problem_json(p, lang) for p in problems]
        raise LoadRefused(refusal(path.name, problems, result, lang))

    libraries = _LibraryResolver(state, library, path.name)
    # the answers go to DuckDB (if the reader did not leave them there): every step on them below
    # is SQL, whatever the reader
    result.answers = Answers.of(result.answers)
    items = _resolve_items(result, state, report)
    responses = answers = comments = aggregates = kiosk_units = None
    kind = "responses"

    if has_rows:
        # a new frame over the same columns: pandas copies a column only when it is written
        # (copy-on-write), so 400,000 respondents are not copied whole at each step
        responses = result.responses.copy(deep=False)
        rtype = respondent_type or None
        if "respondent_type" not in responses.columns:
            responses["respondent_type"] = None
        if rtype:
            responses["respondent_type"] = rtype
        else:
            responses["respondent_type"] = responses["respondent_type"].fillna(
                result.respondent_type
            )
        bad_type = ~responses["respondent_type"].isin(RESPONDENT_TYPES)
        if bad_type.all():
            raise LoadRefused.of("load_staff_or_patron", lang=lang, file=path.name)
        for row in responses.loc[bad_type, "row"]:
            problems.append(
                Problem.of(path.name, int(row), "respondent_type", None, "reason_respondent_type")
            )
        if bad_type.any():
            responses = responses[~bad_type]
        responses = libraries.apply(responses, problems)
        responses = _apply_periods(
            responses, period, state.settings["period_length"], problems, path.name
        )
        answers = result.answers
        answers.keep_rows(responses["row"])
        answers = _validate_answers(answers, items, problems, path.name)
        # one rule for a valid response (docs/formats/README.md): at least one valid rating; a
        # comment alone or categorical answers alone do not make a response
        answered = answers.answered_rows()
        only_missing = ~responses["row"].isin(answered)
        if only_missing.any():
            report.warnings.append(
                labels.Note.of("note_only_missing", count=int(only_missing.sum()))
            )
            # the answers were narrowed to these respondents above: only a drop narrows them again
            # (a pass over millions of answers that deletes nothing otherwise)
            responses = responses[~only_missing]
            answers.keep_rows(responses["row"])
        comments = _scrub_comments(result.comments, responses, state, include_staff_text, report)
        responses = _scrub_segments(responses, state)
        report.valid_responses = len(responses)
        types = sorted(map(str, responses["respondent_type"].unique()))
        report.respondent_type = types[0] if len(types) == 1 else ("mixed" if types else None)
        counts = responses.groupby("display_name").size()
        report.libraries = {str(k): int(v) for k, v in counts.items()}
        by_period = responses.groupby("period").size()
        report.periods = {str(k): int(v) for k, v in by_period.items()}
        report.comments = len(comments)
        report.items = _item_summary(answers, items)
        _add_scale_sources(report, items)

    if has_aggregates:
        kind = "aggregates"
        aggregates = result.aggregates.copy()
        if respondent_type:
            aggregates["respondent_type"] = respondent_type
        aggregates = libraries.apply(aggregates, problems)
        aggregates = _apply_periods(
            aggregates, period, state.settings["period_length"], problems, path.name
        )
        aggregates = _validate_aggregates(aggregates, items, problems, path.name)
        # respondents, not answers: every item of a unit repeats the same people, so count the
        # largest item n per unit x period x type and add those up
        unit = ["display_name", "branch_key", "period", "respondent_type"]
        per_unit = aggregates.groupby(unit, dropna=False)["n"].max().reset_index()
        if not has_rows:
            report.valid_responses = int(per_unit["n"].sum())
        report.respondent_type = report.respondent_type or _single(aggregates["respondent_type"])
        for name, n in per_unit.groupby("display_name")["n"].sum().items():
            report.libraries[str(name)] = report.libraries.get(str(name), 0) + int(n)
        for when, n in per_unit.groupby("period")["n"].sum().items():
            report.periods[str(when)] = report.periods.get(str(when), 0) + int(n)
        report.items += _aggregate_item_summary(aggregates, items)

    if has_kiosk:
        kind = "kiosk"
        # resolved per distinct location; the rows get their keys by a join at insert
        kiosk_units = kiosk_names.resolve(result.kiosk, libraries, problems)
        report.respondent_type = "patron"
        report.valid_responses = int(kiosk_units["n"].sum())
        for name, n in kiosk_units.groupby("display_name")["n"].sum().items():
            report.libraries[str(name)] = int(n)

    report.rejected = [_problem_json(p, lang) for p in problems]
    report.warnings += libraries.warnings
    if report.valid_responses == 0:
        raise LoadRefused(refusal(path.name, problems, result, lang))
    new_items = (
        items.loc[items["_new"].astype(bool)]
        .drop(columns=["_new", "column"])
        .drop_duplicates("item_code")
    )
    return _Prepared(
        report=report,
        sha256=digest.result().sha256,
        kind=kind,
        instrument=result.instrument,
        responses=responses if responses is not None else pd.DataFrame(),
        answers=answers if answers is not None else pd.DataFrame(),
        comments=comments if comments is not None else pd.DataFrame(),
        aggregates=aggregates if aggregates is not None else pd.DataFrame(),
        kiosk=result.kiosk if kiosk_units is not None else pd.DataFrame(),
        kiosk_units=kiosk_units,
        new_libraries=libraries.new_libraries(),
        new_branches=libraries.new_branches(),
        new_items=new_items,
    )


def _prepare_package(
    result: PackageResult, path: Path, forced: tuple, lang: str = "en"
) -> _Prepared:
    """A verified forum package ready to store: it names its own library, periods and items."""
    if any(forced):
        raise LoadRefused.of("load_package_options", lang=lang, file=path.name)
    library = result.manifest["library"]
    rows = sum(len(t) for t in result.tables.values())
    report = LoadReport(
        file=path.name,
        format=result.format,
        encoding=None,
        records=rows,
        valid_responses=rows,
        libraries={str(library.get("display_name") or library["library_key"]): rows},
        warnings=list(result.warnings),
        message=(
            f"forum package from {library.get('display_name') or library['library_key']}, "
            f"periods {', '.join(map(str, result.manifest['periods']))}, built "
            f"{result.manifest['created_at']}"
        ),
    )
    items = result.tables["items"].drop_duplicates("item_code")
    new_items = pd.DataFrame(
        {
            "item_code": items["item_code"],
            "construct": items["construct"],
            "text_da": None,
            "text_en": None,
            "scale_min": items["scale_min"],
            "scale_max": items["scale_max"],
            "touchpoint": items["touchpoint"].where(items["construct"] == "touchpoint", None),
            "core": items["instrument_id"] == "forum-core-v1",
            "instrument_id": items["instrument_id"],
        }
    )
    empty = pd.DataFrame()
    return _Prepared(
        report=report,
        sha256=safety.sha256_file(path),
        kind="forum_package",
        instrument=result.instrument,
        responses=empty,
        answers=empty,
        comments=empty,
        aggregates=empty,
        kiosk=empty,
        new_libraries=empty,
        new_branches=empty,
        new_items=new_items,
        package=result,
    )
