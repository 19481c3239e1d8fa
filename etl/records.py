"""The small records the service layer writes one transaction each: libraries, settings, mapping
profiles, service projects, service-declaration targets and personas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror import queries
from servicemirror.core import db, safety
from servicemirror.core.config import parse_setting
from servicemirror.etl import mapping as mapping_profiles
from servicemirror.etl import vocab
from servicemirror.etl.known import LoadRefused
from servicemirror.etl.names import _library_key, _library_lookup, _norm
from servicemirror.etl.readers.base import (
    SEGMENT_COLUMNS,
)
from servicemirror.etl.writer import _seed_core_items
from servicemirror.privacy import cells_table


def register_libraries(db_path: Path, libraries: pd.DataFrame) -> int:
    """Add or update libraries (library, display_name, municipality, aliases, consent_named).

    Returns the number of libraries written. Creates the database if needed.
    """
    frame = pd.DataFrame(
        {
            "library_key": libraries["library"].map(vocab.slug),
            # names are printed and shown: no terminal control characters
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
        cells_table.keep_current(con)  # names and consent: no cell changes
    return len(frame)


def save_mapping_profile(db_path: Path, name: str, mapping: dict, headers: list[str]) -> str:
    """Save a confirmed column mapping under ``name`` for exports with these headers.

    Returns the header signature it is stored under (``etl.mapping.signature``); the next export
    with the same format and headers is read with it. ValueError without a name.
    """
    name, key, value = mapping_profiles.profile_row(name, mapping, headers)
    with db.writing(db_path, create=True) as con:
        queries.execute(con, "mapping_profile_upsert", name=name, key=key, value=value)
        cells_table.keep_current(con)
    return key


def set_setting(db_path: Path, key: str, value: str) -> str:
    """Write one setting, parsed by its type (``config.parse_setting``); returns what was stored."""
    try:
        value = parse_setting(key, value)
    except ValueError as exc:
        raise LoadRefused(str(exc)) from None
    with db.writing(db_path) as con:
        queries.execute(con, "setting_set", key=key, value=value)
        cells_table.keep_current(con)  # a new k rebuilds the published cells whole
    return value


# --------------------------------------------------------------------------- reading

PROJECT_STATUSES = ("planned", "active", "completed", "stopped")

TARGET_MEASURES = {"index": (0.0, 100.0), "top2": (0.0, 100.0), "nps": (-100.0, 100.0)}

SEGMENT_DIMENSIONS = tuple(SEGMENT_COLUMNS)  # the label table's dimensions (readers.base)


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
        cells_table.keep_current(con)
        return [int(queries.scalar(con, "project_insert", **row)) for row in rows]


def add_project(db_path: Path, **project) -> int:
    """Record one service project and return its id (validated first; one transaction).

    ``project``: the keywords of :func:`_project_row` (library, touchpoint, title, start, and
    optionally description, end, owner, expected_effect, status, notes)."""
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
        cells_table.keep_current(con)
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
        cells_table.keep_current(con)
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
        cells_table.keep_current(con)
        queries.execute(
            con,
            "persona_upsert",
            persona_id=persona_id,
            name=str(name).strip(),
            description=description,
            **values,
        )
    return persona_id
