"""The ONLY writer: file -> reader -> resolved, validated, scrubbed frames -> one transaction.

Reading, interpretation and validation happen before the database lock is taken; the lock is held
only for the inserts and the commit (ARCHITECTURE.md, Database access). An upload lands whole or
not at all, and every stored row points to its upload so it can be listed and undone.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
import secrets
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror import comments as comment_store
from servicemirror import db, labels, queries, safety, signing
from servicemirror.config import SETTING_DEFAULTS, parse_setting
from servicemirror.etl import mapping as mapping_profiles
from servicemirror.etl import scrub, vocab
from servicemirror.etl.detect import sniff
from servicemirror.etl.readers import forum_package
from servicemirror.etl.readers.base import (
    SEGMENT_COLUMNS,
    Problem,
    ReadError,
    ReadOptions,
    ReadResult,
)
from servicemirror.etl.readers.forum_package import PackageResult
from servicemirror.etl.registry import READERS

RESPONDENT_TYPES = ("staff", "patron")
# what a ``progress`` callback of prepare/load_file is told, in this order (CLI bar, upload page)
STAGES = ("reading", "checking", "writing", "done")
NEAR_MISS_CUTOFF = 0.88
PAUSE_ENV = "SERVICEMIRROR_TEST_PAUSE"


def _test_pause(stage: str) -> None:
    """Fault-test hook (tests/test_faults.py): inert unless ``$SERVICEMIRROR_TEST_PAUSE == stage``.

    Then the process prints ``PAUSE <stage>`` on stderr and sleeps, so a test can SIGKILL it at
    exactly that point (stages: parsing, locked, mid-insert, before-commit, committed). The one
    environment read in ``etl``, kept here because the kill points are inside the writer.
    """
    if os.environ.get(PAUSE_ENV) == stage:
        print(f"PAUSE {stage}", file=sys.stderr, flush=True)
        time.sleep(120)


class LoadRefused(Exception):
    """The whole file is refused; the message is one line saying what and what to do."""


@dataclass
class LoadReport:
    """What happened to one file (the ``load --json`` object)."""

    file: str
    format: str | None = None
    encoding: str | None = None
    respondent_type: str | None = None
    upload_id: int | None = None
    records: int = 0
    valid_responses: int = 0
    rejected: list[dict] = field(default_factory=list)
    libraries: dict[str, int] = field(default_factory=dict)
    periods: dict[str, int] = field(default_factory=dict)  # responses per period they land in
    comments: int = 0  # free-text comments kept (after scrubbing)
    items: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    status: str = "pending"  # loaded | dry_run | duplicate | refused
    superseded: int = 0
    message: str | None = None
    # every column of the file and what it was read as (wide readers; see etl.wide.column_table)
    columns: list[dict] = field(default_factory=list)
    # codes/locations mapped to libraries in this upload's mapping step, saved for the next
    # upload of the same instrument (unit_map)
    units_mapped: int = 0

    def to_json(self) -> dict:
        """The JSON object documented in issue 3 (plus status/message/superseded)."""
        return asdict(self)


@dataclass
class _Prepared:
    """Frames ready to insert (no ids yet) plus the report."""

    report: LoadReport
    sha256: str
    kind: str
    instrument: str | None
    responses: pd.DataFrame
    answers: pd.DataFrame
    comments: pd.DataFrame
    aggregates: pd.DataFrame
    kiosk: pd.DataFrame
    new_libraries: pd.DataFrame
    new_branches: pd.DataFrame
    new_items: pd.DataFrame

    def library_keys(self) -> set[str]:
        """Every library key this upload would write data for."""
        keys: set[str] = set()
        for frame in (self.responses, self.aggregates, self.kiosk):
            if "library_key" in frame.columns:
                keys |= set(frame["library_key"].dropna())
        if self.package is not None:
            keys |= set(self.package.parts()["library_key"])
        return keys

    package: PackageResult | None = None  # a forum package: stored by _write_package
    # the mapping step's unit -> library rows confirmed with this upload (saved in unit_map)
    unit_map: pd.DataFrame | None = None


# --------------------------------------------------------------------------- public API


def load_file(
    db_path: Path,
    path: Path,
    *,
    respondent_type: str | None = None,
    library: str | None = None,
    period: str | None = None,
    format: str | None = None,
    dry_run: bool = False,
    loaded_by: str = "cli",
    include_staff_text: bool = False,
    mapping: dict | None = None,
    allowed_libraries: set[str] | None = None,
    progress: Callable[[str], None] | None = None,
    lang: str = "en",
) -> LoadReport:
    """Interpret, validate and (unless ``dry_run``) load one file; returns its report.

    Raises LoadRefused (one line) when the file as a whole cannot be loaded; the database is then
    unchanged. Rows that are individually invalid are listed in ``report.rejected``.
    ``allowed_libraries``: the library keys this uploader may load for (a manager: the own
    library); None = any (admin, local mode). A file with data for any other library is refused.
    ``progress``: called with each of :data:`STAGES` as it begins ("done" also after a dry run
    or a duplicate; never after a refusal, which raises).
    """
    db_path, path = Path(db_path), Path(path)
    prepared = prepare(
        db_path,
        path,
        respondent_type=respondent_type,
        library=library,
        period=period,
        format=format,
        include_staff_text=include_staff_text,
        mapping=mapping,
        progress=progress,
        lang=lang,
    )
    if allowed_libraries is not None:
        others = sorted(prepared.library_keys() - set(allowed_libraries))
        if others:
            raise LoadRefused(
                f"{path.name}: holds data for {', '.join(others)}; you may only upload for "
                f"{', '.join(sorted(allowed_libraries)) or 'no library'}. Nothing was loaded."
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
            report.message = f"{path.name}: already loaded as upload {existing}; nothing changed."
            _stage(progress, "done")
            return report
        report.upload_id = _write(con, prepared, loaded_by)
        report.status = "loaded"
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
) -> _Prepared:
    """Everything up to the write: read, resolve libraries/periods/items, validate, scrub.

    ``mapping``: a column mapping confirmed for this file (etl.mapping); without one, a saved
    mapping profile whose header signature matches is used by the wide readers.
    ``progress``: called with "reading" and "checking" as they begin (see :data:`STAGES`).
    ``interpretation``: a dict the wide readers fill with the headers and column roles they used
    (``etl.mapping.resolve``): filled even when the file is refused afterwards, so the upload
    page's mapping editor can show what was understood.
    ``lang``: the language of the refusal line and of the rejected rows' reasons ("da" or "en";
    the texts are the ``load_*`` and ``reason_*`` keys of ``servicemirror.labels``).
    """
    path = Path(path)
    if path.is_dir():
        raise LoadRefused(labels.t("load_folder", lang, path=path))
    if not path.is_file():
        raise LoadRefused(labels.t("load_not_a_file", lang, path=path))
    if respondent_type is not None and respondent_type not in RESPONDENT_TYPES:
        raise LoadRefused(f"--as must be staff or patron, not {respondent_type!r}.")
    _stage(progress, "reading")
    try:
        sniffed = sniff(path)
        _test_pause("parsing")
        reader = _choose_reader(path, sniffed, format)
        options = ReadOptions(
            respondent_type=respondent_type,
            library=library,
            period=period,
            mapping=mapping,
            profiles=mapping_profiles.stored_profiles(db_path),
            seen=interpretation if interpretation is not None else {},
        )
        result = reader.read(path, sniffed, options)
        if interpretation is not None and not isinstance(result, PackageResult):
            # the names the upload page's library editor offers for mapping (codes, locations)
            interpretation["libraries"] = library_values(result)
    except ReadError as exc:
        raise LoadRefused(str(exc)) from None
    _stage(progress, "checking")
    if isinstance(result, PackageResult):
        return _prepare_package(result, path, (respondent_type, library, period))
    state = _database_state(db_path)
    # the mapping step's codes and locations: those confirmed on an earlier upload of the same
    # instrument (unit_map) apply without asking again; a mapping given now wins and is saved
    instrument = unit_instrument(result)
    given = {str(k): str(v) for k, v in ((mapping or {}).get("libraries") or {}).items()}
    apply_library_map(result, {**_saved_units(db_path, instrument), **given})
    prepared = _resolve(
        result, state, path, respondent_type, library, period, include_staff_text, lang=lang
    )
    if given:
        prepared.unit_map = _unit_rows(instrument, given, state, prepared.new_libraries)
        prepared.report.units_mapped = len(prepared.unit_map)
    return prepared


def unit_instrument(result: ReadResult) -> str:
    """The key a unit mapping is saved under: the reader's instrument (a survey's header
    signature), or its format where it names none (kiosk and template files)."""
    return result.instrument or result.format


def _saved_units(db_path: Path, instrument: str) -> dict[str, str]:
    """unit -> library key saved for ``instrument`` (and for any instrument) in unit_map."""
    if not db.exists(db_path):
        return {}
    with db.reading(db_path) as con:
        rows = queries.run(con, "unit_map_of", instrument=instrument)
    return dict(zip(rows["unit"], rows["library_key"], strict=True))


def _unit_rows(
    instrument: str, given: dict[str, str], state: _State, new_libraries: pd.DataFrame
) -> pd.DataFrame:
    """The rows of unit_map for a mapping given now: each unit with the key of the library it
    was mapped to (a known library by key, name or alias, or one this upload adds)."""
    keys: dict[str, str] = {}
    for row in state.libraries.itertuples():
        aliases = list(row.aliases) if row.aliases is not None else []
        for name in (row.library_key, row.display_name, *aliases):
            keys[_norm(name)] = row.library_key
    for row in new_libraries.itertuples():
        keys.setdefault(_norm(row.display_name), row.library_key)
    units = [(u, keys.get(_norm(name))) for u, name in given.items() if str(name).strip()]
    return pd.DataFrame(
        {
            "instrument_id": [instrument] * len(units),
            "unit": [str(u).strip() for u, _ in units],
            "library_key": [k for _, k in units],
        }
    ).dropna(subset=["library_key"])


def register_libraries(db_path: Path, libraries: pd.DataFrame) -> int:
    """Add or update libraries (library, display_name, municipality, aliases, consent_named).

    Returns the number of libraries written. Creates the database if needed.
    """
    frame = pd.DataFrame(
        {
            "library_key": libraries["library"].map(vocab.slug),
            # names are printed and shown: no terminal control characters (issue 12)
            "display_name": libraries.get("display_name", libraries["library"]).map(
                safety.strip_controls
            ),
            "municipality": libraries.get("municipality", pd.Series([None] * len(libraries))),
            "aliases": libraries.get("aliases", pd.Series([[] for _ in range(len(libraries))])).map(
                lambda a: list(a) if isinstance(a, list | tuple | np.ndarray) else []
            ),
            "consent_named": libraries.get(
                "consent_named", pd.Series([False] * len(libraries))
            ).astype(bool),
        }
    )
    # the short name itself is always an alias, so "Gentofte" finds "Gentofte Centralbibliotek"
    frame["aliases"] = [
        sorted({*map(safety.strip_controls, a), safety.strip_controls(str(name))})
        for a, name in zip(frame["aliases"], libraries["library"], strict=True)
    ]
    with db.writing(db_path, create=True) as con:
        _seed_core_items(con)
        con.register("new_libraries", frame)
        queries.execute(con, "upsert_libraries")
        con.unregister("new_libraries")
    return len(frame)


def undo(db_path: Path, upload_id: int) -> dict:
    """Remove one upload completely and restore what it had superseded.

    Returns {"upload_id", "file_name", "rows_removed"}; LoadRefused if there is no such active upload.
    """
    with db.writing(db_path) as con:
        row = queries.run(con, "upload_get", upload_id=upload_id)
        if row.empty or row.loc[0, "status"] != "active":
            raise LoadRefused(
                f"upload {upload_id}: no such active upload. See `servicemirror uploads`."
            )
        removed = int(queries.scalar(con, "upload_row_count", upload_id=upload_id) or 0)
        queries.script(con, "undo_upload", upload_id=upload_id)
    return {"upload_id": upload_id, "file_name": row.loc[0, "file_name"], "rows_removed": removed}


def save_mapping_profile(db_path: Path, name: str, mapping: dict, headers: list[str]) -> str:
    """Save a confirmed column mapping under ``name`` for exports with these headers.

    Returns the header signature it is stored under (``etl.mapping.signature``); the next export
    with the same format and headers is read with it. ValueError without a name.
    """
    name, key, value = mapping_profiles.profile_row(name, mapping, headers)
    with db.writing(db_path, create=True) as con:
        queries.execute(con, "mapping_profile_upsert", name=name, key=key, value=value)
    return key


def set_setting(db_path: Path, key: str, value: str) -> str:
    """Write one setting, parsed by its type (``config.parse_setting``); returns what was stored."""
    try:
        value = parse_setting(key, value)
    except ValueError as exc:
        raise LoadRefused(str(exc)) from None
    with db.writing(db_path) as con:
        queries.execute(con, "setting_set", key=key, value=value)
    return value


# --------------------------------------------------------------------------- reading


def _choose_reader(path: Path, sniffed, format: str | None):
    if format is not None:
        if format not in READERS:
            raise LoadRefused(
                f"unknown --format {format!r}; known formats: {', '.join(sorted(READERS))}."
            )
        return READERS[format]
    scores = sorted(((r.detect(sniffed, path), r.name) for r in READERS.values()), reverse=True)
    if not scores or scores[0][0] <= 0:
        raise LoadRefused(
            f"{path.name}: not a survey export Service Mirror recognises. Check docs/formats/README.md, "
            "or name the format with --format."
        )
    return READERS[scores[0][1]]


@dataclass
class _State:
    libraries: pd.DataFrame
    branches: pd.DataFrame
    items: pd.DataFrame
    settings: dict[str, str]


def _database_state(db_path: Path) -> _State:
    """What the database already knows (libraries, items, settings); defaults for a new one."""
    if not db.exists(db_path):
        return _State(
            pd.DataFrame(columns=["library_key", "display_name", "aliases"]),
            pd.DataFrame(columns=["branch_key", "library_key", "display_name", "aliases"]),
            _core_items(),
            dict(SETTING_DEFAULTS),
        )
    with db.reading(db_path) as con:
        libraries = queries.run(con, "libraries_all")
        branches = queries.run(con, "branches_all")
        items = queries.run(con, "items_all")
        settings = dict(SETTING_DEFAULTS) | dict(
            queries.run(con, "settings_all").itertuples(index=False)
        )
    core = _core_items()
    items = pd.concat([items, core[~core["item_code"].isin(items["item_code"])]], ignore_index=True)
    return _State(libraries, branches, items, settings)


def _core_items() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "item_code": code,
                "construct": construct,
                "text_da": da,
                "text_en": en,
                "scale_min": float(lo),
                "scale_max": float(hi),
                "touchpoint": tp,
                "core": True,
                "instrument_id": "forum-core-v1",
            }
            for code, construct, lo, hi, tp, da, en in vocab.CORE_ITEMS
        ]
    )


# --------------------------------------------------------------------------- resolution


def _resolve(
    result: ReadResult,
    state: _State,
    path: Path,
    respondent_type: str | None,
    library: str | None,
    period: str | None,
    include_staff_text: bool,
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
    has_kiosk = not result.kiosk.empty
    if not (has_rows or has_aggregates or has_kiosk):
        report.rejected = [_problem_json(p, lang) for p in problems]
        raise LoadRefused(refusal(path.name, problems, result, lang))

    libraries = _LibraryResolver(state, library, path.name)
    items = _resolve_items(result, state, report)
    responses = answers = comments = aggregates = kiosk = None
    kind = "responses"

    if has_rows:
        responses = result.responses.copy()
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
            raise LoadRefused(
                f"{path.name}: cannot tell whether this is a staff or a patron survey; "
                "run again with --as staff or --as patron."
            )
        for row in responses.loc[bad_type, "row"]:
            problems.append(
                Problem.of(path.name, int(row), "respondent_type", None, "reason_respondent_type")
            )
        responses = responses[~bad_type]
        responses = libraries.apply(responses, problems)
        responses = _apply_periods(
            responses, period, state.settings["period_length"], problems, path.name
        )
        answers = result.answers[result.answers["row"].isin(responses["row"])].copy()
        answers = _validate_answers(answers, items, problems, path.name)
        # one rule for a valid response (docs/formats/README.md): at least one valid rating; a
        # comment alone or categorical answers alone do not make a response
        answered = set(answers.loc[answers["value"].notna(), "row"])
        only_missing = ~responses["row"].isin(answered)
        if only_missing.any():
            report.warnings.append(
                f"{int(only_missing.sum())} respondents answered only 'Ved ikke'/blank and are not counted as responses"
            )
        responses = responses[~only_missing]
        answers = answers[answers["row"].isin(responses["row"])]
        comments = _scrub_comments(result.comments, responses, state, include_staff_text, report)
        responses = _scrub_segments(responses, state)
        report.valid_responses = len(responses)
        types = sorted(set(responses["respondent_type"]))
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
        kiosk = libraries.apply(result.kiosk.copy(), problems)
        report.respondent_type = "patron"
        report.valid_responses = int(kiosk["n"].sum())
        for name, n in kiosk.groupby("display_name")["n"].sum().items():
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
        sha256=_sha256(path),
        kind=kind,
        instrument=result.instrument,
        responses=responses if responses is not None else pd.DataFrame(),
        answers=answers if answers is not None else pd.DataFrame(),
        comments=comments if comments is not None else pd.DataFrame(),
        aggregates=aggregates if aggregates is not None else pd.DataFrame(),
        kiosk=kiosk if kiosk is not None else pd.DataFrame(),
        new_libraries=libraries.new_libraries(),
        new_branches=libraries.new_branches(),
        new_items=new_items,
    )


def _prepare_package(result: PackageResult, path: Path, forced: tuple) -> _Prepared:
    """A verified forum package ready to store: it names its own library, periods and items."""
    if any(forced):
        raise LoadRefused(
            f"{path.name}: a forum package names its own library, periods and respondent types; "
            "load it without --as, --library or --period."
        )
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
        sha256=_sha256(path),
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


def _single(series: pd.Series):
    values = sorted(set(series.dropna()))
    return values[0] if len(values) == 1 else None


def refusal(
    file_name: str, problems: list[Problem], result: ReadResult | None = None, lang: str = "en"
) -> str:
    """The one line that refuses a file with no valid response: the cause, an example, what to do.

    The cause is the reason that rejected the most rows (not the first problem met); the example
    is one such row with at most 80 characters of its cell. A file without a single rating
    question says so and lists what its columns were read as.
    """
    if result is not None and result.items.empty and result.aggregates.empty:
        if result.kiosk.empty and result.columns:
            roles: dict[str, int] = {}
            for column in result.columns:
                roles[column["role"]] = roles.get(column["role"], 0) + 1
            return labels.t(
                "load_no_rating_questions",
                lang,
                file=file_name,
                columns=len(result.columns),
                roles=", ".join(f"{n} {role}" for role, n in sorted(roles.items())),
            )
    if not problems:
        return labels.t("load_no_valid_bare", lang, file=file_name)
    causes: dict[str, list[Problem]] = {}
    for problem in problems:
        causes.setdefault(_cause(problem), []).append(problem)
    cause, rows = max(causes.items(), key=lambda kv: len(kv[1]))
    example = rows[0]
    where = [labels.t("load_where_row", lang, row=example.row)] if example.row is not None else []
    if example.column:
        where.append(labels.t("load_where_column", lang, column=labels.clip(example.column)))
    if example.value not in (None, ""):
        where.append(labels.t("load_where_value", lang, value=labels.clip(example.value)))
    lowered = cause.lower()
    todo = (
        "load_todo_library"
        if "library" in lowered
        else "load_todo_period"
        if "period" in lowered or "date" in lowered
        else "load_todo_mapping"
    )
    return labels.t(
        "load_no_valid",
        lang,
        file=file_name,
        count=len(rows),
        total=len(problems),
        reason=labels.clip(example.text(lang) if example.key else cause, 160),
        example=", ".join(where) or "-",
        todo=labels.t(todo, lang),
    )


def _cause(problem: Problem) -> str:
    """What groups rows rejected for the same cause: the reason's label key, or for a reason
    without one the text less the row's own details."""
    if problem.key:
        return problem.key
    return re.sub(r"'[^']*'", "'…'", problem.reason.split(";")[0]).strip()


def library_values(result: ReadResult, limit: int = 200) -> list[str]:
    """The distinct library cells of a read file, and the branch/location where none is named.

    What the mapping step's ``libraries`` can map (at most ``limit``, sorted).
    """
    found: set[str] = set()
    for name in ("responses", "aggregates", "kiosk"):
        frame = getattr(result, name)
        if frame.empty or "library" not in frame.columns:
            continue
        library = frame["library"].astype(object)
        found |= {str(v).strip() for v in library.dropna().unique() if str(v).strip()}
        if "branch" in frame.columns:
            blank = library.isna() | library.astype(str).str.strip().eq("")
            found |= {str(v).strip() for v in frame.loc[blank, "branch"].dropna().unique()}
    return sorted(v for v in found if v)[:limit]


def apply_library_map(result: ReadResult, libraries: dict | None) -> None:
    """Vendor codes and kiosk locations -> library names, as the mapping step says.

    ``libraries`` is the mapping's ``{"AO01": "Gentofte", "Stenløse": "Egedal"}``: a library cell
    holding a key is renamed; where a row names no library, its branch (a kiosk's Location) is
    looked up, so a three-library kiosk file loads without ``--library``. Works for every reader,
    kiosk readers included, because it rewrites the reader's result, not the file.
    """
    if not libraries:
        return
    lookup = {_norm(k): str(v).strip() for k, v in libraries.items() if str(v).strip()}
    for name in ("responses", "aggregates", "kiosk"):
        frame = getattr(result, name)
        if frame.empty or "library" not in frame.columns:
            continue
        frame = frame.copy()
        raw = frame["library"].astype(object)
        mapped = raw.map(lambda v: lookup.get(_norm(v)) if isinstance(v, str) else None)
        library = mapped.where(mapped.notna(), raw)
        if "branch" in frame.columns:
            by_branch = frame["branch"].map(
                lambda v: lookup.get(_norm(v)) if isinstance(v, str) else None
            )
            blank = library.isna() | library.astype(str).str.strip().eq("")
            library = library.where(~blank | by_branch.isna(), by_branch)
        frame["library"] = library
        setattr(result, name, frame)


# a vendor's unit code (AO01, BIB12): not a name; the mapping step says which library it is
_UNIT_CODE = re.compile(r"^[A-Za-z]{1,4}[-_]?\d{1,5}$")


def implausible_library(raw: str) -> str | None:
    """Why a library cell is not a name (formula, web address, over 100 characters), or None.

    The why is a label key (``load_why_*``), told in the reader's language by ``Problem.text``.
    A cell such as ``=cmd|' /C calc'!A0`` must never become a library (and later a cell in
    someone's spreadsheet).
    """
    text = str(raw).strip()
    if text[:1] in ("=", "+", "@") or (text[:1] == "-" and len(text) > 1 and not text[1].isalnum()):
        return "load_why_formula"
    if re.match(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", text, flags=re.IGNORECASE):
        return "load_why_url"
    if len(text) > 100:
        return "load_why_long"
    return None


class _LibraryResolver:
    """Match raw library/branch names to known ones; suggest near misses, never merge them."""

    def __init__(self, state: _State, forced: str | None, file_name: str):
        self.file_name = file_name
        self.warnings: list[str] = []
        self.lookup: dict[str, tuple[str, str]] = {}
        for row in state.libraries.itertuples():
            names = [
                row.library_key,
                row.display_name,
                *(list(row.aliases) if row.aliases is not None else []),
            ]
            for name in names:
                self.lookup[_norm(name)] = (row.library_key, row.display_name)
        self.branch_lookup: dict[tuple[str, str], str] = {}
        for row in state.branches.itertuples():
            names = [row.display_name, *(list(row.aliases) if row.aliases is not None else [])]
            for name in names:
                self.branch_lookup[(row.library_key, _norm(name))] = row.branch_key
        self._new_libraries: dict[str, str] = {}
        self._new_branches: dict[str, tuple[str, str]] = {}
        self.forced = None
        if forced:
            self.forced = self._match(forced, allow_new=True, problems=None, row=None)

    def _match(self, raw: str, allow_new: bool, problems, row):
        norm = _norm(raw)
        if norm in self.lookup:
            return self.lookup[norm]
        near = _near_miss(norm, list(self.lookup))
        if near and problems is not None:
            key, display = self.lookup[near[0]]
            problems.append(
                Problem.of(
                    self.file_name, row, "library", raw, "reason_library_near_miss", name=display
                )
            )
            return None
        key = vocab.slug(raw)
        if key in {k for k, _ in self.lookup.values()}:
            return next(v for v in self.lookup.values() if v[0] == key)
        name = safety.strip_controls(raw).strip()
        self._new_libraries[key] = name
        self.lookup[norm] = (key, name)
        self.warnings.append(f"new library '{name}' added")
        return key, name

    def apply(self, frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
        """Add library_key, display_name and branch_key; rows without a known library go.

        Names are matched once per distinct value, not per row: an hourly kiosk file has
        millions of rows but a few hundred names (issue 8 measured the per-row loop at 30 s for
        5 million presses). Problems are reported per row, in row order, as before.
        """
        frame = frame.copy()
        if self.forced:
            ok = np.ones(len(frame), dtype=bool)
            key = np.full(len(frame), self.forced[0], dtype=object)
            display = np.full(len(frame), self.forced[1], dtype=object)
        else:
            ok, key, display = self._match_rows(frame, problems)
        frame = frame[ok]
        frame["library_key"] = key[ok]
        frame["display_name"] = display[ok]
        branch = (
            frame["branch"]
            if "branch" in frame.columns
            else pd.Series([None] * len(frame), index=frame.index)
        )
        # blank, None and NaN all mean "no branch" to _branch: one group for them
        filled = branch.astype(object).where(branch.notna(), "").to_numpy(dtype=object)
        # factorize each column, then the combined integer code (a MultiIndex is 10x slower)
        lib_codes, libs = pd.factorize(frame["library_key"].to_numpy(dtype=object))
        branch_codes, names = pd.factorize(filled)
        codes, pairs = pd.factorize(lib_codes.astype(np.int64) * len(names) + branch_codes)
        keys = [self._branch(libs[p // len(names)], names[p % len(names)]) for p in pairs]
        frame["branch_key"] = np.array(keys, dtype=object)[codes]
        return frame

    def _match_rows(self, frame: pd.DataFrame, problems: list[Problem]):
        """(ok, library_key, display_name) per row of ``frame``; appends the row problems."""
        rows = frame["row"].to_numpy()
        codes, uniques = pd.factorize(frame["library"].to_numpy(dtype=object))
        # str() the few distinct values, then group again: 1 and "1" are the same name
        texts = np.array([str(u) for u in uniques], dtype=object)
        text_codes, text_uniques = pd.factorize(texts) if len(texts) else (np.array([], int), [])
        per_row = np.where(codes >= 0, text_codes[codes] if len(texts) else -1, -1)
        # np.unique gives the position of each code's first row
        values, positions = np.unique(per_row, return_index=True)
        first = {int(v): int(p) for v, p in zip(values, positions, strict=True) if v >= 0}
        found: list[tuple[int, Problem]] = []
        matched: list[tuple | None] = []
        blank = np.zeros(len(text_uniques) + 1, dtype=bool)
        blank[-1] = True  # code -1: None / NaN
        implausible: set[int] = set()
        for code, raw in enumerate(text_uniques):
            if not raw.strip():
                blank[code] = True
                matched.append(None)
                continue
            pos = first[code]
            why = implausible_library(raw)
            if why is None and _UNIT_CODE.match(raw.strip()) and _norm(raw) not in self.lookup:
                why = "load_why_code"
            if why is not None:
                # every row with this cell is rejected with the reason (not only the first)
                for at in np.flatnonzero(per_row == code):
                    found.append(
                        (
                            int(at),
                            Problem.of(
                                self.file_name,
                                int(rows[at]),
                                "library",
                                labels.clip(raw),
                                "reason_implausible_library",
                                why=why,
                            ),
                        )
                    )
                matched.append(None)
                implausible.add(code)
                continue
            near: list[Problem] = []
            matched.append(self._match(raw, True, near, int(rows[pos])))
            found += [(pos, p) for p in near]
        resolved = np.array([m is not None for m in matched] + [False], dtype=bool)
        for pos in np.flatnonzero(blank[per_row]):
            found.append(
                (
                    int(pos),
                    Problem.of(
                        self.file_name, int(rows[pos]), "library", None, "reason_no_library"
                    ),
                )
            )
        unknown = ~resolved[per_row] & ~blank[per_row]
        for pos in np.flatnonzero(unknown):
            if first.get(int(per_row[pos])) != pos and int(per_row[pos]) not in implausible:
                raw = text_uniques[per_row[pos]]
                found.append(
                    (
                        int(pos),
                        Problem.of(
                            self.file_name, int(rows[pos]), "library", raw, "reason_unknown_library"
                        ),
                    )
                )
        problems += [p for _, p in sorted(found, key=lambda f: f[0])]
        keys = np.array([m[0] if m else None for m in matched] + [None], dtype=object)
        names = np.array([m[1] if m else None for m in matched] + [None], dtype=object)
        return resolved[per_row], keys[per_row], names[per_row]

    def _branch(self, library_key: str, raw) -> str | None:
        if raw is None or (isinstance(raw, float) and np.isnan(raw)) or not str(raw).strip():
            return None
        norm = _norm(str(raw))
        key = self.branch_lookup.get((library_key, norm))
        if key:
            return key
        key = f"{library_key}/{vocab.slug(str(raw))}"
        self.branch_lookup[(library_key, norm)] = key
        self._new_branches[key] = (library_key, safety.strip_controls(str(raw)).strip())
        return key

    def new_libraries(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "library": list(self._new_libraries.values()),
                "library_key": list(self._new_libraries),
                "display_name": list(self._new_libraries.values()),
            }
        )

    def new_branches(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "branch_key": list(self._new_branches),
                "library_key": [v[0] for v in self._new_branches.values()],
                "display_name": [v[1] for v in self._new_branches.values()],
            }
        )


GENERIC_NAME_WORDS = {
    "bibliotek",
    "biblioteket",
    "bibliotekerne",
    "biblioteker",
    "centralbibliotek",
    "hovedbibliotek",
    "folkebibliotek",
    "folkebibliotekerne",
    "kommune",
    "kommunes",
    "filial",
    "library",
    "libraries",
    "public",
    "central",
    "og",
    "and",
}


def _core_words(norm: str) -> list[str]:
    return [w for w in norm.split(" ") if w and w not in GENERIC_NAME_WORDS]


def _near_miss(norm: str, known: list[str]) -> list[str]:
    """Known names that look like ``norm`` without being it.

    Generic words (bibliotek, centralbibliotek, kommune, library ...) are ignored. A near miss
    is a name whose distinctive words are all in the other's ("Gentofte Bibliotekerne" vs
    "Gentofte Centralbibliotek") or a very similar long spelling ("Hoje Taastrup"); "Bibliotek
    Ishøj" is not one of "Bibliotek Gentofte", "School 1288" not one of "School 1224", and short
    names that differ by a letter ("Zeta"/"Beta") are different libraries.
    """
    core = _core_words(norm)
    if not core:
        return []
    # one name's distinctive words all appear in the other's ("gentofte" in "gentofte")
    words = set(core)
    contained = [
        k
        for k in known
        if _core_words(k) and (words <= set(_core_words(k)) or set(_core_words(k)) <= words)
    ]
    if contained:
        return difflib.get_close_matches(norm, contained, n=1, cutoff=0.0)
    core_text = " ".join(core)
    candidates = {" ".join(_core_words(k)): k for k in known if len(" ".join(_core_words(k))) >= 6}
    if len(core_text) < 6:
        return []
    # numbers name different units ("Filial 2" vs "Filial 3"): never a spelling variant
    digits = re.findall(r"\d+", core_text)
    candidates = {c: k for c, k in candidates.items() if re.findall(r"\d+", c) == digits}
    close = difflib.get_close_matches(core_text, list(candidates), n=1, cutoff=NEAR_MISS_CUTOFF)
    return [candidates[c] for c in close]


def _norm(name) -> str:
    return vocab.normalise_label(str(name))


def period_of(timestamps: pd.Series, length: str) -> pd.Series:
    """Period labels from timestamps: '2023' (year), '2023-H1' (half), '2023-Q1' (quarter)."""
    ts = pd.to_datetime(timestamps, errors="coerce")
    year = ts.dt.year.astype("Int64").astype("string")
    if length == "half":
        return year + "-H" + ((ts.dt.month - 1) // 6 + 1).astype("Int64").astype("string")
    if length == "quarter":
        return year + "-Q" + ts.dt.quarter.astype("Int64").astype("string")
    return year


def _apply_periods(
    frame: pd.DataFrame, forced: str | None, length: str, problems, file_name
) -> pd.DataFrame:
    frame = frame.copy()
    if forced:
        frame["period"] = str(forced).strip()
        return frame
    given = frame["period"].astype("string").str.strip() if "period" in frame.columns else None
    if "submitted_at" in frame.columns:
        derived = period_of(frame["submitted_at"], length)
    else:
        derived = pd.Series(pd.NA, index=frame.index, dtype="string")
    period = given.where(given.notna() & (given != ""), derived) if given is not None else derived
    missing = period.isna()
    for row in frame.loc[missing, "row"]:
        problems.append(Problem.of(file_name, int(row), "period", None, "reason_no_period"))
    frame = frame[~missing]
    frame["period"] = period[~missing].astype(str)
    return frame


def _resolve_items(result: ReadResult, state: _State, report: LoadReport) -> pd.DataFrame:
    """Items of this file with their scale and construct: known items keep the stored definition."""
    known = state.items.set_index("item_code")
    rows = []
    observed = (
        result.answers.groupby("item")["value"].agg(["min", "max"])
        if not result.answers.empty
        else None
    )
    agg_observed = (
        result.aggregates.groupby("item")["mean"].agg(["min", "max"])
        if not result.aggregates.empty
        else None
    )
    for item in result.items.itertuples():
        code = str(item.item)
        if code in known.index:
            k = known.loc[code]
            rows.append(
                {
                    "column": item.column,
                    "item_code": code,
                    "construct": k["construct"],
                    "text_da": k["text_da"],
                    "text_en": k["text_en"],
                    "scale_min": float(k["scale_min"]),
                    "scale_max": float(k["scale_max"]),
                    "touchpoint": k["touchpoint"],
                    "core": bool(k["core"]),
                    "instrument_id": k["instrument_id"],
                    "_new": False,
                }
            )
            continue
        lo, hi = item.scale_min, item.scale_max
        if pd.isna(lo) or pd.isna(hi):
            seen = observed if observed is not None and code in observed.index else agg_observed
            if seen is None or code not in seen.index:
                lo, hi = 1.0, 5.0
            else:
                lo, hi = _infer_scale(float(seen.loc[code, "min"]), float(seen.loc[code, "max"]))
            report.warnings.append(f"item '{code}': no scale given, assumed {lo:g}-{hi:g}")
        construct = (
            item.construct
            if isinstance(item.construct, str) and item.construct in vocab.CONSTRUCTS
            else None
        )
        if construct is None:
            construct = (
                "nps"
                if hi - lo == 10
                and (
                    "nps" in code.lower()
                    or "anbefal" in code.lower()
                    or "recommend" in code.lower()
                )
                else "other"
            )
        touchpoint = (
            item.touchpoint
            if isinstance(item.touchpoint, str)
            else (vocab.touchpoint_of(code) if construct == "touchpoint" else None)
        )
        if construct == "other":
            report.warnings.append(labels.t("load_other_counts_nowhere", "en", item=code))
        rows.append(
            {
                "column": item.column,
                "item_code": code,
                "construct": construct,
                "text_da": item.text if isinstance(item.text, str) else None,
                "text_en": item.text if isinstance(item.text, str) else None,
                "scale_min": float(lo),
                "scale_max": float(hi),
                "touchpoint": touchpoint,
                "core": False,
                "instrument_id": result.instrument,
                "_new": True,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "column",
            "item_code",
            "construct",
            "text_da",
            "text_en",
            "scale_min",
            "scale_max",
            "touchpoint",
            "core",
            "instrument_id",
            "_new",
        ],
    )


def _add_scale_sources(report: LoadReport, items: pd.DataFrame) -> None:
    """Each item of the report says where its scale came from: labels, header, guess, given, or
    the stored definition of an item the database already knows."""
    sources = {c["item"]: c["scale_source"] for c in report.columns if c.get("role") == "item"}
    known = set(items.loc[~items["_new"].astype(bool), "item_code"])
    for entry in report.items:
        code = entry.get("item")
        entry["scale_source"] = "known item" if code in known else sources.get(code)


def _infer_scale(lo: float, hi: float) -> tuple[float, float]:
    if lo >= 0 and hi <= 10 and (lo == 0 or hi > 7):
        return (0.0, 10.0) if lo == 0 or hi > 7 else (1.0, 10.0)
    if lo >= 1 and hi <= 5:
        return 1.0, 5.0
    if lo >= 1 and hi <= 7:
        return 1.0, 7.0
    return float(np.floor(lo)), float(np.ceil(hi))


def _validate_answers(
    answers: pd.DataFrame, items: pd.DataFrame, problems, file_name
) -> pd.DataFrame:
    """Drop answers outside their item's scale (each reported); NaN stays as a missing answer."""
    scale = items.set_index("item_code")[["scale_min", "scale_max", "construct"]]
    merged = answers.join(scale, on="item")
    unknown_item = merged["scale_min"].isna()
    # NPS stored as 1-11 (some tools): shift to 0-10 when every value of the item fits 1..11
    nps_shift = (merged["construct"].isin(["nps", "enps"])) & merged.groupby("item")[
        "value"
    ].transform(lambda v: v.min() >= 1 and v.max() == 11).fillna(False).astype(bool)
    merged.loc[nps_shift, "value"] = merged.loc[nps_shift, "value"] - 1
    out = merged["value"].notna() & (
        (merged["value"] < merged["scale_min"]) | (merged["value"] > merged["scale_max"])
    )
    for row in merged[out].itertuples():
        problems.append(
            Problem.of(
                file_name,
                int(row.row),
                str(row.column),
                str(row.raw_value),
                "reason_outside_item_scale",
                lo=f"{row.scale_min:g}",
                hi=f"{row.scale_max:g}",
                item=row.item,
            )
        )
    keep = ~out & ~unknown_item
    return merged.loc[keep, ["row", "column", "item", "value", "raw_value"]]


def _validate_aggregates(
    aggregates: pd.DataFrame, items: pd.DataFrame, problems, file_name
) -> pd.DataFrame:
    scale = items.set_index("item_code")[["scale_min", "scale_max", "touchpoint"]]
    merged = aggregates.drop(columns=["scale_min", "scale_max"], errors="ignore").join(
        scale, on="item"
    )
    bad_type = ~merged["respondent_type"].isin(RESPONDENT_TYPES)
    out = (merged["mean"] < merged["scale_min"]) | (merged["mean"] > merged["scale_max"])
    for row in merged[bad_type].itertuples():
        problems.append(
            Problem.of(
                file_name,
                int(row.row),
                "respondent_type",
                str(row.respondent_type),
                "reason_respondent_type",
            )
        )
    for row in merged[out & ~bad_type].itertuples():
        problems.append(
            Problem.of(
                file_name,
                int(row.row),
                "mean",
                f"{row.mean}",
                "reason_mean_outside_scale",
                lo=f"{row.scale_min:g}",
                hi=f"{row.scale_max:g}",
            )
        )
    return merged[~bad_type & ~out]


def _scrub_comments(
    comments: pd.DataFrame, responses: pd.DataFrame, state: _State, include_staff_text: bool, report
) -> pd.DataFrame:
    if comments.empty:
        return comments
    kept = comments[comments["row"].isin(responses["row"])].merge(
        responses[["row", "respondent_type", "library_key"]], on="row"
    )
    staff = kept["respondent_type"] == "staff"
    if staff.any() and not include_staff_text:
        report.warnings.append(
            f"{int(staff.sum())} staff free-text answers were not imported (staff text is off by default)"
        )
        kept = kept[~staff]
    names = [n for n in state.settings.get("comment_names", "").split(",") if n.strip()]
    kept = kept.assign(text=scrub.scrub_series(kept["text"], names))
    return kept[["row", "item", "text"]]


def _scrub_segments(responses: pd.DataFrame, state: _State) -> pd.DataFrame:
    """The segment columns are free text in many survey tools ("Andet: ..."), so they go through
    the same scrubber as comments before they are stored; each distinct value is scrubbed once."""
    present = [c for c in SEGMENT_DIMENSIONS if c in responses.columns]
    if not present or responses.empty:
        return responses
    names = [n for n in state.settings.get("comment_names", "").split(",") if n.strip()]
    out = responses.copy()
    for column in present:
        values = out[column].dropna().unique()
        cleaned = scrub.scrub_series(pd.Series(values, dtype=object).astype(str), names)
        out[column] = out[column].map(dict(zip(values, cleaned, strict=True)))
    return out


def _hash_ids(ids: pd.Series, salt: str) -> list[str | None]:
    return [
        hashlib.sha256(f"{salt}:{i}".encode()).hexdigest()
        if i is not None and i == i and str(i) != ""
        else None
        for i in ids
    ]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _problem_json(p: Problem, lang: str = "en") -> dict:
    return {"row": p.row, "column": p.column, "value": p.value, "reason": p.text(lang)}


def _item_summary(answers: pd.DataFrame, items: pd.DataFrame) -> list[dict]:
    out = []
    by_item = items.drop_duplicates("item_code").set_index("item_code")
    for code, group in answers.groupby("item", sort=False):
        v = group["value"].dropna()
        meta = by_item.loc[code]
        nps = None
        if (
            meta["construct"] in ("nps", "enps")
            and meta["scale_max"] - meta["scale_min"] == 10
            and len(v)
        ):
            nps = round(float(((v >= 9).mean() - (v <= 6).mean()) * 100), 6)
        out.append(
            {
                "column": str(group["column"].iloc[0]),
                "item": str(code),
                "construct": meta["construct"],
                "scale": [float(meta["scale_min"]), float(meta["scale_max"])],
                "n": int(len(v)),
                "mean": round(float(v.mean()), 6) if len(v) else None,
                "nps": nps,
            }
        )
    return out


def _aggregate_item_summary(aggregates: pd.DataFrame, items: pd.DataFrame) -> list[dict]:
    by_item = items.drop_duplicates("item_code").set_index("item_code")
    out = []
    for code, group in aggregates.groupby("item", sort=False):
        meta = by_item.loc[code]
        n = int(group["n"].sum())
        out.append(
            {
                "column": "mean",
                "item": str(code),
                "construct": meta["construct"],
                "scale": [float(meta["scale_min"]), float(meta["scale_max"])],
                "n": n,
                "mean": round(float((group["mean"] * group["n"]).sum() / n), 6),
                "nps": None,
            }
        )
    return out


# --------------------------------------------------------------------------- writing


def _write(con, prepared: _Prepared, loaded_by: str) -> int:
    """Insert everything of one upload inside the caller's transaction; returns the upload id."""
    if prepared.package is not None:
        _check_package_key(con, prepared.package, loaded_by)
    if not queries.scalar(con, "setting_get", key="hash_salt"):
        # the salt is made inside the first write, so every upload of a database hashes alike
        queries.execute(con, "setting_set", key="hash_salt", value=secrets.token_hex(16))
    _seed_core_items(con)
    salt = queries.scalar(con, "setting_get", key="hash_salt")
    upload_id = int(queries.scalar(con, "next_upload_id"))
    report = prepared.report
    if not prepared.new_libraries.empty:
        frame = prepared.new_libraries.assign(
            municipality=None,
            aliases=[[n] for n in prepared.new_libraries["library"]],
            consent_named=False,
        )
        con.register("new_libraries", frame)
        queries.execute(con, "insert_new_libraries")
        con.unregister("new_libraries")
    if not prepared.new_branches.empty:
        con.register("new_branches", prepared.new_branches)
        queries.execute(con, "insert_new_branches")
        con.unregister("new_branches")
    if not prepared.new_items.empty:
        con.register("new_items", prepared.new_items)
        queries.execute(con, "insert_new_items")
        con.unregister("new_items")
    if prepared.unit_map is not None and not prepared.unit_map.empty:
        # kept by undo: the mapping is the user's answer about their units, not this file's data
        con.register("new_unit_map", prepared.unit_map)
        queries.execute(con, "unit_map_upsert")
        con.unregister("new_unit_map")
    superseded = 0
    if not prepared.responses.empty:
        responses = prepared.responses
        for seg in (*SEGMENT_DIMENSIONS, "touchpoint", "submitted_at"):
            if seg not in responses.columns:
                responses = responses.assign(**{seg: None})
        responses = responses.assign(
            submitted_at=pd.to_datetime(responses["submitted_at"], errors="coerce"),
            respondent_hash=_hash_ids(responses["respondent_id"], salt),
        )
        con.register("new_responses", responses)
        superseded = int(queries.scalar(con, "count_superseded", upload_id=upload_id) or 0)
        queries.execute(con, "insert_responses", upload_id=upload_id)
        queries.execute(con, "supersede_responses", upload_id=upload_id)
        con.unregister("new_responses")
        con.register(
            "new_answers",
            prepared.answers.assign(value=prepared.answers["value"].astype("float64")),
        )
        _test_pause("mid-insert")  # responses are in, answers not yet
        queries.execute(con, "insert_answers", upload_id=upload_id)
        con.unregister("new_answers")
        if not prepared.comments.empty:
            con.register("new_comments", prepared.comments)
            queries.execute(con, "insert_comments", upload_id=upload_id)
            con.unregister("new_comments")
        # themes and tone in the same transaction, vectorised over the new comments (and any
        # stored before comment themes existed)
        comment_store.tag_untagged(con)
    if not prepared.aggregates.empty:
        con.register("new_aggregates", prepared.aggregates)
        queries.execute(con, "supersede_aggregates", upload_id=upload_id)
        queries.execute(con, "insert_aggregates", upload_id=upload_id)
        con.unregister("new_aggregates")
    if not prepared.kiosk.empty:
        con.register("new_kiosk", prepared.kiosk)
        queries.execute(con, "insert_kiosk", upload_id=upload_id)
        con.unregister("new_kiosk")
    if prepared.package is not None:
        replaced = _write_package(con, prepared.package, upload_id)
        if replaced:
            report.warnings.append(
                f"{replaced} library-period part(s) of earlier forum packages are replaced "
                "(undo this upload to bring them back)"
            )
    report.superseded = superseded
    if superseded:
        report.warnings.append(
            f"{superseded} respondents were already loaded; their newer answers replace the older ones"
        )
    report.upload_id = upload_id
    queries.execute(
        con,
        "insert_upload",
        upload_id=upload_id,
        file_name=report.file,
        sha256=prepared.sha256,
        format=report.format,
        encoding=report.encoding,
        instrument_id=prepared.instrument,
        respondent_type=report.respondent_type,
        kind=prepared.kind,
        rows_read=report.records,
        rows_loaded=report.valid_responses,
        rows_rejected=len(report.rejected),
        superseded=superseded,
        loaded_by=loaded_by,
        report_json=json.dumps(report.to_json(), ensure_ascii=False, default=str),
    )
    _test_pause("before-commit")
    return upload_id


# package table -> (registered frame name, insert query)
_PACKAGE_INSERTS = {
    "cells": ("new_forum_cells", "insert_forum_cells"),
    "items": ("new_forum_items", "insert_forum_items"),
    "item_covariances": ("new_forum_covariances", "insert_forum_covariances"),
    "kiosk_days": ("new_forum_kiosk_days", "insert_forum_kiosk_days"),
    "facts": ("new_forum_facts", "insert_forum_facts"),
    "comment_themes": ("new_forum_comment_themes", "insert_forum_comment_themes"),
}


def _check_package_key(con, package: PackageResult, loaded_by: str) -> None:
    """A forum package must be signed with its library's registered key (servicemirror.signing)."""
    name = package.path.name
    try:
        public = forum_package.signature_key(package.manifest, name)
        signing.check_package_key(
            con, package.manifest["library"]["library_key"], public, name, loaded_by
        )
    except (ReadError, signing.SigningError) as exc:
        raise LoadRefused(str(exc)) from None


def _write_package(con, package: PackageResult, upload_id: int) -> int:
    """Store a forum package: its library and consent, then every table, superseding older parts.

    Older packages' rows for the same library x period are marked ``superseded_by`` (undo brings
    them back); the newest package decides the library's consent to be named. Returns how many
    library x period parts of earlier packages were replaced.
    """
    library = package.manifest["library"]
    frame = pd.DataFrame(
        {
            "library_key": [library["library_key"]],
            "display_name": [
                safety.strip_controls(library.get("display_name") or library["library_key"])
            ],
            "municipality": [safety.strip_controls(library.get("municipality"))],
            "aliases": [
                [safety.strip_controls(library.get("display_name") or library["library_key"])]
            ],
            "consent_named": [bool(library.get("consent_named", False))],
        }
    )
    con.register("new_libraries", frame)
    queries.execute(con, "insert_new_libraries")
    con.unregister("new_libraries")
    con.register("new_forum_library", frame[["library_key", "consent_named"]])
    queries.execute(con, "update_library_consent")
    con.unregister("new_forum_library")
    con.register("new_forum_packages", package.parts())
    replaced = int(queries.scalar(con, "count_superseded_packages") or 0)
    queries.script(con, "supersede_forum_package", upload_id=upload_id)
    queries.execute(con, "insert_forum_packages", upload_id=upload_id)
    con.unregister("new_forum_packages")
    for table, (frame_name, query) in _PACKAGE_INSERTS.items():
        con.register(frame_name, package.tables[table])
        queries.execute(con, query, upload_id=upload_id)
        con.unregister(frame_name)
    return replaced


def _seed_core_items(con) -> None:
    """The forum core items exist in every database (insert only the missing ones)."""
    con.register("new_items", _core_items())
    queries.execute(con, "insert_new_items")
    con.unregister("new_items")


# --------------------------------------------------------------------------- projects, targets, personas
# "From paper to action" and "differentiated service" (issue 9): small writers, one transaction each.

PROJECT_STATUSES = ("planned", "active", "completed", "stopped")
TARGET_MEASURES = {"index": (0.0, 100.0), "top2": (0.0, 100.0), "nps": (-100.0, 100.0)}
SEGMENT_DIMENSIONS = tuple(SEGMENT_COLUMNS)  # the label table's dimensions (readers.base)


def _library_lookup(db_path: Path) -> tuple[dict[str, str], list[str]]:
    """normalised key / display name / alias -> library key, and the sorted known keys."""
    state = _database_state(db_path)
    lookup = {}
    for row in state.libraries.itertuples():
        aliases = list(row.aliases) if row.aliases is not None else []
        for label in (row.library_key, row.display_name, *aliases):
            lookup[_norm(label)] = row.library_key
    return lookup, sorted(state.libraries["library_key"])


def _library_key(lookup, name: str) -> str:
    table, known = lookup
    key = table.get(_norm(name))
    if key is None:
        raise LoadRefused(
            f"library {name!r} is not known; known libraries: {', '.join(known) or 'none yet'}."
        )
    return key


def resolve_library(db_path: Path, name: str) -> str:
    """The library key for a key, display name or alias; LoadRefused (one line) if unknown."""
    return _library_key(_library_lookup(db_path), name)


def canonical_touchpoint(text: str | None, *, allow_overall: bool = False) -> str:
    """'Bogen Kommer' -> 'home_delivery'; '' / 'overall' / 'samlet' -> '' when allowed."""
    raw = "" if text is None else str(text).strip()
    if allow_overall and _norm(raw) in ("", "overall", "samlet", "total", "alle", "all"):
        return ""
    key = vocab.touchpoint_of(raw)
    if key is None:
        known = ", ".join(vocab.TOUCHPOINTS)
        raise LoadRefused(f"touchpoint {raw!r} is not known; use one of: {known}.")
    return key


def _iso_date(text, what: str):
    if text is None or str(text).strip() == "":
        return None
    try:
        return pd.Timestamp(str(text).strip()).date()
    except ValueError:
        raise LoadRefused(f"{what} {text!r} is not a date; write it as YYYY-MM-DD.") from None


def _project_row(
    lookup,
    *,
    library: str,
    touchpoint: str,
    title: str,
    start,
    description: str | None = None,
    end=None,
    owner: str | None = None,
    expected_effect: str | None = None,
    status: str = "active",
    notes: str | None = None,
) -> dict:
    """One validated projects row (the project_insert.sql parameters)."""
    if not str(title or "").strip():
        raise LoadRefused("a project needs a title (--title).")
    if status not in PROJECT_STATUSES:
        raise LoadRefused(f"status must be one of {', '.join(PROJECT_STATUSES)}, not {status!r}.")
    start_date = _iso_date(start, "start date")
    if start_date is None:
        raise LoadRefused("a project needs a start date (--start YYYY-MM-DD).")
    end_date = _iso_date(end, "end date")
    if end_date is not None and end_date < start_date:
        raise LoadRefused(f"end date {end_date} is before the start date {start_date}.")
    return {
        "library_key": _library_key(lookup, library),
        "touchpoint": canonical_touchpoint(touchpoint),
        "title": str(title).strip(),
        "description": description,
        "start_date": start_date.isoformat(),
        "end_date": end_date.isoformat() if end_date else None,
        "owner": owner,
        "expected_effect": expected_effect,
        "status": status,
        "notes": notes,
    }


def add_projects(db_path: Path, projects: list[dict]) -> list[int]:
    """Record several service projects in one transaction (each dict: :func:`add_project`'s
    keyword arguments); all are validated before anything is written. Returns the new ids."""
    lookup = _library_lookup(db_path)
    rows = [_project_row(lookup, **p) for p in projects]
    with db.writing(db_path) as con:
        return [int(queries.scalar(con, "project_insert", **row)) for row in rows]


def add_project(
    db_path: Path,
    *,
    library: str,
    touchpoint: str,
    title: str,
    start,
    description: str | None = None,
    end=None,
    owner: str | None = None,
    expected_effect: str | None = None,
    status: str = "active",
    notes: str | None = None,
) -> int:
    """Record one service project and return its id (validated first; one transaction)."""
    project = {
        "library": library,
        "touchpoint": touchpoint,
        "title": title,
        "start": start,
        "description": description,
        "end": end,
        "owner": owner,
        "expected_effect": expected_effect,
        "status": status,
        "notes": notes,
    }
    return add_projects(db_path, [project])[0]


def _target_row(lookup, library, touchpoint, measure, value, source) -> dict:
    """One validated targets row (library key, canonical touchpoint, measure, value)."""
    measure = str(measure or "index").strip().lower()
    if measure not in TARGET_MEASURES:
        raise LoadRefused(f"measure must be one of {', '.join(TARGET_MEASURES)}, not {measure!r}.")
    number = pd.to_numeric(str(value).replace("%", "").replace(",", ".").strip(), errors="coerce")
    lo, hi = TARGET_MEASURES[measure]
    if pd.isna(number) or not lo <= float(number) <= hi:
        raise LoadRefused(f"target {value!r} for {measure} must be a number from {lo:g} to {hi:g}.")
    return {
        "library_key": _library_key(lookup, library),
        "touchpoint": canonical_touchpoint(touchpoint, allow_overall=True),
        "measure": measure,
        "target_value": float(number),
        # a blank CSV cell arrives as NaN: store no source rather than the text "nan"
        "source": None
        if source is None or pd.isna(source) or not str(source).strip()
        else str(source).strip(),
    }


def set_target(
    db_path: Path, *, library: str, touchpoint: str, measure: str, value, source: str | None = None
) -> dict:
    """Set one service-declaration target (replacing an earlier one); returns the stored row."""
    row = _target_row(_library_lookup(db_path), library, touchpoint, measure, value, source)
    with db.writing(db_path) as con:
        queries.execute(con, "target_upsert", **row)
    return row


def set_targets(db_path: Path, rows: pd.DataFrame) -> list[dict]:
    """Set many targets at once (columns library, touchpoint, measure, target, source).

    Every row is validated before anything is written; the first bad row refuses the whole set
    with its row number, so a service declaration lands whole or not at all.
    """
    clean = []
    lookup = _library_lookup(db_path)
    for number, row in enumerate(rows.to_dict(orient="records"), start=1):
        try:
            clean.append(
                _target_row(
                    lookup,
                    row.get("library"),
                    row.get("touchpoint"),
                    row.get("measure"),
                    row.get("target"),
                    row.get("source"),
                )
            )
        except LoadRefused as exc:
            raise LoadRefused(f"row {number}: {exc}") from None
    with db.writing(db_path) as con:
        for row in clean:
            queries.execute(con, "target_upsert", **row)
    return clean


def define_persona(
    db_path: Path, *, name: str, description: str | None = None, **segments: str | None
) -> str:
    """Define (or redefine) a persona: a named combination of segment values; returns its id.

    ``segments`` may name age_band, visit_frequency, user_type, channel (None = any value).
    """
    unknown = sorted(set(segments) - set(SEGMENT_DIMENSIONS))
    if unknown:
        raise LoadRefused(f"unknown segment column(s) {', '.join(unknown)}.")
    if not str(name or "").strip():
        raise LoadRefused("a persona needs a name.")
    values = {d: (segments.get(d) or None) for d in SEGMENT_DIMENSIONS}
    if all(v is None for v in values.values()):
        raise LoadRefused("a persona needs at least one segment value (e.g. age_band=67+).")
    persona_id = vocab.slug(name)
    with db.writing(db_path) as con:
        queries.execute(
            con,
            "persona_upsert",
            persona_id=persona_id,
            name=str(name).strip(),
            description=description,
            **values,
        )
    return persona_id
