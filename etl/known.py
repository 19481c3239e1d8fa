"""What every step of the load path shares: the refusal, the report (``load --json``), the frames
ready to insert, the respondent types, and what the database already knows (libraries, branches,
items, settings) before a file is resolved."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

from servicemirror import queries
from servicemirror.core import db, labels
from servicemirror.core.config import SETTING_DEFAULTS
from servicemirror.etl import vocab
from servicemirror.etl.readers.forum_package import PackageResult

RESPONDENT_TYPES = ("staff", "patron")


class LoadRefused(labels.Refusal):
    """The whole file is refused; the message is one line saying what and what to do
    (``LoadRefused.of(key, **fields)`` to tell it in Danish too, see ``labels.Refusal``)."""


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
        """The JSON object of ``load --json`` (docs/cli.md), with status, message and superseded."""
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
        for frame in (self.responses, self.aggregates, self.kiosk_units):
            if frame is not None and "library_key" in frame.columns:
                # the distinct keys first: iterating 400,000 Arrow-backed cells cost half a second
                keys |= set(frame["library_key"].dropna().unique().tolist())
        if self.package is not None:
            keys |= set(self.package.parts()["library_key"])
        return keys

    package: PackageResult | None = None  # a forum package: stored by _write_package
    # the mapping step's unit -> library rows confirmed with this upload (saved in unit_map)
    unit_map: pd.DataFrame | None = None
    # kiosk uploads: ``kiosk`` holds the reader's rows (Arrow or a DataFrame) and this their
    # resolved locations (etl.kiosk_names.resolve), joined to the rows when they are inserted
    kiosk_units: pd.DataFrame | None = None
