"""Mapping profiles: a confirmed column mapping, saved so the next export of a survey loads in one step.

A mapping says, for the columns of one wide export, which is the library, the date, the
respondent id, which are questions (with item code, scale, direction, construct) and which are
not stored. It is the JSON form of :class:`etl.wide.WideSpec`::

    {"format": "qualtrics", "respondent_type": "patron", "dayfirst": true,
     "roles": {"Bibliotek": "library", "RecordedDate": "date", "Email": "dropped:identity"},
     "items": [{"column": "Q1", "item": "core_sat", "scale_min": 1, "scale_max": 5,
                "reversed": false, "construct": "satisfaction"}]}

A profile is keyed by a *header signature* (a hash of the format and the normalised header
texts), so a later export of the same survey, whatever its file name, finds it. Profiles live in
the ``mapping_profiles`` table (queries/mapping_profiles_all.sql, mapping_profile_upsert.sql);
readers never touch the database: ``etl.load`` reads the profiles and hands them to the reader in
``ReadOptions.profiles`` and is the one that saves them (``load.save_mapping_profile``).

The upload page's mapping editor shows a spec as a table (:func:`editor_table`: one row per
column with its role, item code, construct, scale and direction), lets the user correct it and
turns the edited table back into a mapping (:func:`from_editor`). :func:`gaps` lists what the
interpretation could not settle, so the page knows when to open the editor.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import asdict
from pathlib import Path

import pandas as pd

from servicemirror import queries
from servicemirror.core import db, labels
from servicemirror.etl import vocab
from servicemirror.etl.readers.base import ReadOptions
from servicemirror.etl.wide import ROLE_FIELDS, ItemSpec, WideSpec

ITEM_FIELDS = ("item", "text", "construct", "scale_min", "scale_max", "reversed", "labels", "nps")
# the roles the mapping editor offers first; a spec's other roles (period, n, segment:...) are
# added for the files that have them, so editing never loses what the reader found
EDITOR_ROLES = ("item", "library", "branch", "date", "respondent_id", "comment", "ignore")
EDITOR_COLUMNS = [
    "column",
    "role",
    "item",
    "construct",
    "scale_min",
    "scale_max",
    "reversed",
    "note",
]
IGNORED = "ignored in the mapping"
# the note_scale_guessed* notes, in English or Danish (the report's notes are in the user's language)
_GUESSED_SCALE = re.compile(
    r"^(?:column|kolonne) '(.+)': (?:scale|skalaen) .* (?:guessed from|gættet ud fra)"
)


def signature(format: str, headers: list[str]) -> str:
    """A stable key of an export's layout: format + normalised header texts, in order."""
    names = [vocab.normalise_label(h) for h in headers if str(h) != "_record"]
    text = "\x1f".join([format, *names])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def to_mapping(spec: WideSpec) -> dict:
    """The JSON-able mapping of a spec (what the upload page shows and the user confirms)."""
    items = []
    for item in spec.items:
        entry = {"column": item.column}
        entry.update({k: v for k, v in asdict(item).items() if k in ITEM_FIELDS and v is not None})
        items.append(entry)
    return {
        "format": spec.format,
        "respondent_type": spec.respondent_type,
        "dayfirst": spec.dayfirst,
        "roles": spec.roles(),
        "items": items,
    }


def apply(spec: WideSpec, mapping: dict) -> WideSpec:
    """A new spec: the mapping's decisions, the guess for columns the mapping does not name.

    Roles: library, branch, date, respondent_id, period, touchpoint, n, ``segment:<name>``,
    ``comment``, ``item``, ``dropped:<why>`` (any text after "dropped:").
    """
    roles: dict[str, str] = dict(mapping.get("roles") or {})
    items = {i["column"]: i for i in mapping.get("items") or [] if "column" in i}
    for column in items:
        roles[column] = "item"
    named = set(roles)
    out = WideSpec(
        format=spec.format,
        respondent_type=mapping.get("respondent_type") or spec.respondent_type,
        instrument=spec.instrument,
        dayfirst=mapping["dayfirst"] if mapping.get("dayfirst") is not None else spec.dayfirst,
    )
    for field_name in ROLE_FIELDS:
        guessed = getattr(spec, field_name)
        if guessed is not None and guessed not in named:
            setattr(out, field_name, guessed)
    out.segments = {s: c for s, c in spec.segments.items() if c not in named}
    out.comments = [c for c in spec.comments if c not in named]
    out.dropped = {c: why for c, why in spec.dropped.items() if c not in named}
    out.items = [i for i in spec.items if i.column not in named]
    for column, role in roles.items():
        if role in ROLE_FIELDS:
            setattr(out, role, column)
        elif role.startswith("segment:"):
            out.segments[role.split(":", 1)[1]] = column
        elif role == "comment":
            out.comments.append(column)
        elif role == "item":
            given = items.get(column, {})
            guess = spec.item(column)
            kwargs = {k: given.get(k) for k in ITEM_FIELDS}
            if guess is not None and kwargs["text"] is None:
                kwargs["text"] = guess.text
            out.items.append(ItemSpec(column=column, **kwargs))
        else:
            out.dropped[column] = role.removeprefix("dropped:")
    return out


def resolve(
    spec: WideSpec, headers: list[str], options: ReadOptions | None
) -> tuple[WideSpec, str | None]:
    """Apply the mapping the user gave, else a saved profile whose signature matches.

    Returns (spec, note): note is a one-line warning naming the profile used, or None. A known
    respondent type (``--as``) also re-decides segments vs staff demographics (the caller
    classified with it already).
    """
    if options is None:
        return spec, None
    resolved, note, profile_name = spec, None, None
    if options.mapping:
        resolved = apply(spec, options.mapping)
        note = labels.Note.of("note_mapping_given")
    else:
        profile = options.profiles.get(signature(spec.format, headers))
        if profile is not None:
            resolved = apply(spec, profile["mapping"])
            profile_name = profile["name"]
            note = labels.Note.of("note_mapping_profile", name=labels.clip(profile_name))
    # what the upload page's mapping editor shows; recorded before the loader can still refuse
    options.seen.update(
        format=spec.format, headers=list(headers), spec=resolved, profile=profile_name
    )
    return resolved, note


def stored_profiles(db_path: Path) -> dict[str, dict]:
    """signature -> {"name", "mapping"} of every saved profile ({} when there is no database)."""
    if not db.exists(db_path):
        return {}
    with db.reading(db_path) as con:
        rows = queries.run(con, "mapping_profiles_all")
    out: dict[str, dict] = {}
    for row in rows.itertuples(index=False):
        # newest first: an older profile with the same signature never overrides a newer one
        out.setdefault(row.signature, {"name": row.name, "mapping": json.loads(row.mapping_json)})
    return out


class MappingError(labels.Refusal, ValueError):
    """A mapping that cannot be used: one line, told in Danish or English (``map_*`` keys of the
    label table); a ValueError, as callers catch it."""


def profile_row(name: str, mapping: dict, headers: list[str]) -> tuple[str, str, str]:
    """(name, signature, mapping as JSON) of a profile to save; ValueError without a name.

    ``etl.load.save_mapping_profile`` writes it (the loader is the only writer).
    """
    if not str(name or "").strip():
        raise MappingError.of("map_profile_name_missing")
    key = signature(mapping.get("format", ""), headers)
    return str(name).strip(), key, json.dumps(mapping, ensure_ascii=False)


def read_mapping(text: str) -> dict:
    """A mapping from its JSON text (``load --mapping FILE``); ValueError saying what is wrong.

    Accepts the mapping itself or a saved profile's ``{"name", "mapping"}`` form.
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError.of("map_not_json", error=exc.msg, line=exc.lineno) from None
    if isinstance(value, dict) and isinstance(value.get("mapping"), dict):
        value = value["mapping"]
    if not isinstance(value, dict):
        raise MappingError.of("map_not_object")
    if not isinstance(value.get("roles", {}), dict):
        raise MappingError.of("map_roles_not_object")
    items = value.get("items", [])
    if not isinstance(items, list) or not all(isinstance(i, dict) and "column" in i for i in items):
        raise MappingError.of("map_items_not_list")
    libraries = value.get("libraries", {})
    if not isinstance(libraries, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in libraries.items()
    ):
        raise MappingError.of("map_libraries_not_object")
    return value


# --------------------------------------------------------------------------- the editor


def editor_table(spec: WideSpec, headers: list[str], report_items: list[dict] | None = None):
    """The mapping editor's table: one row per column of the export, in file order.

    Columns: column, role (one of :func:`editor_roles`), item, construct, scale_min, scale_max,
    reversed (None = decide from the header), note (the question text or why a column is not
    stored). ``report_items`` (a load report's "items") fill in the item code, construct and
    scale the loader settled on, so the user sees what would be stored.
    """
    roles = spec.roles()
    settled = {i.get("column"): i for i in report_items or []}
    rows = []
    for column in _ordered_columns(spec, headers):
        item = spec.item(column)
        row = dict.fromkeys(EDITOR_COLUMNS)
        row["column"] = column
        if item is not None:
            done = settled.get(column, {})
            scale = done.get("scale") or [item.scale_min, item.scale_max]
            row.update(
                role="item",
                item=done.get("item") or item.item,
                construct=done.get("construct") or item.construct,
                scale_min=scale[0],
                scale_max=scale[1],
                reversed=item.reversed,
                note=item.text if item.text and item.text != column else None,
            )
        else:
            role = roles.get(column, "dropped:" + IGNORED)
            if role.startswith("dropped:"):
                row.update(role="ignore", note=role.removeprefix("dropped:"))
            else:
                row["role"] = role
        rows.append(row)
    frame = pd.DataFrame(rows, columns=EDITOR_COLUMNS)
    for name in ("scale_min", "scale_max"):
        frame[name] = pd.to_numeric(frame[name], errors="coerce").astype("float64")
    frame["reversed"] = frame["reversed"].astype("object")
    return frame


def _ordered_columns(spec: WideSpec, headers: list[str]) -> list[str]:
    """The export's columns in file order; any the spec names beyond the headers come last."""
    known = list(spec.roles()) + [i.column for i in spec.items]
    ordered = [h for h in headers if h != "_record"]
    return ordered + [c for c in known if c not in ordered]


def editor_roles(spec: WideSpec) -> list[str]:
    """The roles the editor offers for this spec: the standard ones plus any others it uses."""
    extra = [r for r in spec.roles().values() if not r.startswith("dropped:")]
    return list(EDITOR_ROLES) + sorted({r for r in extra if r not in EDITOR_ROLES})


def from_editor(table, spec: WideSpec) -> dict:
    """The mapping of an edited :func:`editor_table` (what is confirmed and saved as a profile).

    Every column is named, so the mapping replaces the guess completely. An item keeps what the
    editor does not show (question text, value labels, NPS) from ``spec``; blank cells mean
    "detect". "ignore" keeps the reader's reason (identity, demographic, ...) where there was one.
    ValueError when a role such as library is given to two columns.
    """
    base = to_mapping(spec)
    kept = {i["column"]: i for i in base["items"]}
    before = spec.roles()
    roles: dict[str, str] = {}
    items = []
    single: dict[str, str] = {}
    for row in pd.DataFrame(table).to_dict(orient="records"):
        column, role = str(row["column"]), str(row.get("role") or "ignore")
        if role == "item":
            entry = {k: v for k, v in kept.get(column, {"column": column}).items()}
            for name in ("item", "construct"):
                text = _blank_to_none(row.get(name))
                entry[name] = None if text is None else str(text).strip()
            for name in ("scale_min", "scale_max"):
                entry[name] = _number(row.get(name))
            entry["reversed"] = _flag(row.get("reversed"))
            items.append({k: v for k, v in entry.items() if v is not None})
            continue
        if role == "ignore":
            old = before.get(column, "")
            roles[column] = old if old.startswith("dropped:") else "dropped:" + IGNORED
            continue
        if role in ROLE_FIELDS:
            if role in single:
                raise MappingError.of(
                    "map_two_columns",
                    role=f"role_{role}" if f"role_{role}" in labels.LOAD_MESSAGES else role,
                    first=labels.clip(single[role]),
                    second=labels.clip(column),
                )
            single[role] = column
        roles[column] = role
    for item in items:
        if (item.get("scale_min") is None) != (item.get("scale_max") is None):
            raise MappingError.of("map_one_scale_end", column=labels.clip(item["column"]))
    return {**base, "roles": roles, "items": items}


def _blank_to_none(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return None if str(value).strip() == "" else value


def _number(value) -> float | None:
    value = _blank_to_none(value)
    return None if value is None else float(value)


def _flag(value) -> bool | None:
    value = _blank_to_none(value)
    return None if value is None else bool(value)


def gaps(
    spec: WideSpec | None,
    report: dict | None,
    *,
    library: str | None = None,
    period: str | None = None,
    respondent_type: str | None = None,
) -> list[tuple[str, str | None]]:
    """What the interpretation did not settle, as (problem, column) pairs, for the upload page.

    Problems: "library" (no library column and no library given), "date" (no date or period
    column and no period given), "type" (staff or patron unknown), "role" (a column that is not
    a scale question and not otherwise known), "item" (a question whose construct is unknown),
    "scale" (a scale guessed from the answers). Empty = nothing to ask.
    """
    if spec is None:
        return []
    out: list[tuple[str, str | None]] = []
    # a branch column alone names no library: the loader needs the library itself
    if spec.library is None and not library:
        out.append(("library", None))
    if spec.date is None and spec.period is None and not period:
        out.append(("date", None))
    if (
        spec.respondent_type is None
        and not respondent_type
        and not (report or {}).get("respondent_type")
    ):
        out.append(("type", None))
    out += [("role", c) for c, why in spec.dropped.items() if why.startswith("not a scale")]
    out += [
        ("item", i["column"])
        for i in (report or {}).get("items") or []
        if i.get("construct") == "other"
    ]
    for warning in (report or {}).get("warnings") or []:
        match = _GUESSED_SCALE.match(warning)
        if match:
            out.append(("scale", match.group(1)))
    return out
