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
``ReadOptions.profiles``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from servicemirror import db, queries
from servicemirror.etl import vocab
from servicemirror.etl.readers.base import ReadOptions
from servicemirror.etl.wide import ROLE_FIELDS, ItemSpec, WideSpec

ITEM_FIELDS = ("item", "text", "construct", "scale_min", "scale_max", "reversed", "labels", "nps")


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
    if options.mapping:
        return apply(spec, options.mapping), "the column mapping given for this file was used"
    key = signature(spec.format, headers)
    profile = options.profiles.get(key)
    if profile is None:
        return spec, None
    return apply(spec, profile["mapping"]), f"mapping profile '{profile['name']}' was used"


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


def save_profile(db_path: Path, name: str, mapping: dict, headers: list[str]) -> str:
    """Save a confirmed mapping under ``name`` for exports with these headers; returns the signature.

    One small write of its own (not survey data), under the same lock as every write.
    """
    if not str(name or "").strip():
        raise ValueError("a mapping profile needs a name")
    key = signature(mapping.get("format", ""), headers)
    with db.writing(db_path, create=True) as con:
        queries.execute(
            con,
            "mapping_profile_upsert",
            name=str(name).strip(),
            key=key,
            value=json.dumps(mapping, ensure_ascii=False),
        )
    return key
