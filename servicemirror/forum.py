"""The forum package: what one library sends the forum, and what the forum does with the packages.

Each library is its own data controller, so raw staff rows never leave its installation. Instead
``servicemirror forum-package`` writes ONE file (a zip: ``manifest.json`` + Parquet tables, format
in :mod:`servicemirror.etl.readers.forum_package`) holding only sufficient statistics, read through
the publication layer so every cell already obeys the anonymity rule. The forum's installation
loads packages like any upload (``etl.load``), and ``cells.sql`` takes their cells as they are, so
the analysis on the packages sees exactly the n, mean and within sum of squares the pooled raw
data would give (docs/forum.md explains why that makes the results equal).

Public functions: :func:`collect` (the package's content, also the dashboard preview),
:func:`build_package` (write the file), :func:`received` (which library sent what, when),
:func:`servicemirror.analysis.reliability.pooled_alpha` / :func:`forum_alpha` (Cronbach's alpha from the packages' covariances).
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from servicemirror import comments, db, publish, queries
from servicemirror.analysis import battery, reliability
from servicemirror.etl.load import period_of
from servicemirror.etl.readers import forum_package as fmt

SCALE = battery.STAFF_MEASURE  # the staff scale whose alpha the battery reports
STAFF_ITEM_CONSTRUCTS = ("wellbeing", "engagement", "enps", "satisfaction", "touchpoint", "nps")
NEVER = (
    "individual answers or rows, free-text comments, respondent ids or their hashes, "
    "branch or terminal detail, segment columns, staff figures of groups below k"
)


class ForumError(Exception):
    """A package cannot be built as asked; the message is one line saying what to do."""


@dataclass
class Package:
    """The content of one forum package before it is written (also the dashboard preview)."""

    manifest: dict
    tables: dict[str, pd.DataFrame]

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {name: len(frame) for name, frame in self.tables.items()}


def product_version() -> str:
    """The installed Service Mirror version (written into every manifest)."""
    return metadata.version("servicemirror")


# --------------------------------------------------------------------------- building


def libraries_with_data(db_path: Path) -> list[str]:
    """Library keys that have any published cell in the database."""
    cells = publish.published(db_path).cells
    return sorted(cells["library_key"].unique())


def collect(
    db_path: Path,
    *,
    library: str | None = None,
    periods: list[str] | None = None,
    now: datetime | None = None,
) -> Package:
    """Everything a package for ``library`` x ``periods`` holds, read through the publication layer.

    ``library`` may be omitted when the database holds one library; ``periods`` default to all of
    the library's periods. Raises ForumError (one line) for an unknown library or period.
    """
    db_path = Path(db_path)
    pub = publish.published(db_path)
    library = _choose_library(pub, library)
    own = pub.cells[pub.cells["library_key"] == library]
    available = sorted(own["period"].unique())
    if periods:
        periods = sorted({str(p) for p in periods})
        unknown = [p for p in periods if p not in available]
        if unknown:
            raise ForumError(
                f"{library} has no data for period(s) {', '.join(unknown)}; "
                f"known: {', '.join(available) or 'none'}."
            )
    else:
        periods = available
    with db.reading(db_path) as con:
        libraries = queries.run(con, "libraries_all")
        items = queries.run(con, "forum_item_stats", library_key=library)
        staff_rows = queries.run(con, "staff_item_rows", construct=SCALE)
        kiosk = queries.run(con, "forum_kiosk_days", library_key=library)
        facts = queries.run(con, "library_facts_all")
    cells = _cells(own[own["period"].isin(periods)])
    published_groups = set(cells.loc[(cells["side"] == "staff") & ~cells["suppressed"], "period"])
    tables = {
        "cells": cells,
        "items": _items(items[items["period"].isin(periods)], published_groups, pub.k),
        "item_covariances": _covariances(
            staff_rows[(staff_rows["library_key"] == library) & staff_rows["period"].isin(periods)],
            cells,
            pub.k,
        ),
        "kiosk_days": _kiosk(kiosk, periods, pub.settings.get("period_length", "year")),
        "facts": facts[(facts["library_key"] == library) & facts["period"].isin(periods)][
            ["library_key", "period", "name", "value", "source"]
        ].reset_index(drop=True),
        "comment_themes": _comment_themes(db_path, library, periods, cells, pub.k),
    }
    row = libraries[libraries["library_key"] == library].iloc[0]
    instruments = sorted(
        {part for value in cells["instrument"].dropna() for part in str(value).split("+")}
    )
    manifest = {
        "format": fmt.MARKER,
        "package_version": fmt.PACKAGE_VERSION,
        "schema_version": db.SCHEMA_VERSION,
        "product_version": product_version(),
        "created_at": (now or datetime.now(UTC)).isoformat(timespec="seconds"),
        "library": {
            "library_key": library,
            "display_name": str(row["display_name"]),
            "municipality": None if pd.isna(row["municipality"]) else str(row["municipality"]),
            "consent_named": bool(row["consent_named"]),
        },
        "periods": periods,
        "instruments": instruments,
        "k": int(pub.k),
        "period_length": pub.settings.get("period_length", "year"),
        "never_contains": NEVER,
        "tables": {},
    }
    return Package(manifest, tables)


def build_package(
    db_path: Path,
    out: Path,
    *,
    library: str | None = None,
    periods: list[str] | None = None,
    now: datetime | None = None,
) -> Package:
    """Write the package file ``out`` (a zip) and return what it holds (manifest with checksums)."""
    package = collect(db_path, library=library, periods=periods, now=now)
    out = Path(out)
    data = to_bytes(package)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)  # never a half-written package where the user expects one
    return package


def to_bytes(package: Package) -> bytes:
    """The package file's bytes; fills ``package.manifest['tables']`` with files, rows, sha256."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
        # the Parquet tables are zstd-compressed already: deflating them again gains nothing
        for name in fmt.TABLES:
            data = fmt.table_bytes(package.tables[name], name)
            file_name = f"{name}.parquet"
            package.manifest["tables"][name] = {
                "file": file_name,
                "rows": len(package.tables[name]),
                "sha256": fmt.sha256(data),
            }
            zf.writestr(file_name, data)
        zf.writestr(fmt.MANIFEST, json.dumps(package.manifest, ensure_ascii=False, indent=1) + "\n")
    return buffer.getvalue()


def _choose_library(pub: publish.Published, library: str | None) -> str:
    keys = sorted(pub.cells["library_key"].unique())
    if not keys:
        raise ForumError("the database has no survey data yet; load the library's surveys first.")
    if library is None:
        if len(keys) > 1:
            raise ForumError(
                f"the database holds {len(keys)} libraries ({', '.join(keys[:5])}"
                f"{' ...' if len(keys) > 5 else ''}); name one with --library."
            )
        return keys[0]
    wanted = library.strip().lower()
    matches = [k for k in keys if k == wanted]
    if not matches:
        names = pub.grid.drop_duplicates("library_key")
        by_name = names[names["display_name"].str.lower() == wanted]["library_key"].tolist()
        matches = [k for k in by_name if k in keys]
    if not matches:
        raise ForumError(f"no library {library!r} with data; known: {', '.join(keys)}.")
    return matches[0]


def _cells(cells: pd.DataFrame) -> pd.DataFrame:
    """The published cells as they leave: figures of suppressed cells are already blank."""
    out = cells.copy()
    for col in ("promoters", "detractors"):
        out[col] = out[col].astype("Float64").round().astype("Int64")
    out["n"] = out["n"].astype("int64")
    out["passives"] = (out["n"] - out["promoters"] - out["detractors"]).astype("Int64")
    hidden = out["suppressed"].astype(bool)
    # belt and braces: the publication layer blanked these; nothing below k may leave anyway
    for col in fmt.STAFF_FIGURES:
        out[col] = out[col].where(~hidden, None)
    out["suppressed"] = hidden
    out["suppressed_reason"] = out["suppressed_reason"].where(hidden, None)
    return out[fmt.TABLES["cells"].names].reset_index(drop=True)


def _items(items: pd.DataFrame, published_groups: set[str], k: int) -> pd.DataFrame:
    """Item statistics that may leave: patron items as they are; staff items of published groups
    only, and a staff construct only when every one of its items has at least k answers.

    The whole construct goes when one item is short, because the construct's cell mean and the
    other items' means would otherwise pin the short item down (complementary suppression).
    """
    staff = items["side"] == "staff"
    short = (
        items[staff]
        .assign(short=lambda d: d["n"] < k)
        .groupby(["period", "construct"])["short"]
        .transform("any")
    )
    keep = ~staff.copy()
    keep.loc[staff] = ~short & items.loc[staff, "period"].isin(published_groups)
    out = items[keep].copy()
    out["n"] = out["n"].astype("int64")
    return out[fmt.TABLES["items"].names].reset_index(drop=True)


def _covariances(staff_rows: pd.DataFrame, cells: pd.DataFrame, k: int) -> pd.DataFrame:
    """Complete-respondent item means and covariances of the staff scale, per published period."""
    shown = cells[
        (cells["side"] == "staff")
        & (cells["measure"] == SCALE)
        & (cells["touchpoint"] == "")
        & ~cells["suppressed"]
    ]
    rows = staff_rows[staff_rows["period"].isin(set(shown["period"]))]
    columns = fmt.TABLES["item_covariances"].names
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    stats = reliability.item_sufficient_stats(
        rows.assign(scale=SCALE), by=("library_key", "scale", "period"), k=k
    )
    # a group with fewer than k complete respondents carries no figure, so it does not leave
    stats = stats[stats["reason"].isna()]
    return stats[columns].reset_index(drop=True)


def _comment_themes(
    db_path: Path, library: str, periods: list[str], cells: pd.DataFrame, k: int
) -> pd.DataFrame:
    """Comment theme and tone counts that may leave (``servicemirror.comments.package_rows``):
    patron groups of at least k_comments; staff groups only where the period's staff figures
    are published and the group reaches k_comments. Counts only, never text."""
    visible = {
        (library, p) for p in cells.loc[(cells["side"] == "staff") & ~cells["suppressed"], "period"]
    }
    with db.reading(db_path) as con:
        rows = comments.package_rows(con, k, visible)
    rows = rows[(rows["library_key"] == library) & rows["period"].isin(periods)]
    return rows[fmt.TABLES["comment_themes"].names].reset_index(drop=True)


def _kiosk(kiosk: pd.DataFrame, periods: list[str], period_length: str) -> pd.DataFrame:
    columns = fmt.TABLES["kiosk_days"].names
    if kiosk.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    out = kiosk.assign(period=period_of(pd.to_datetime(kiosk["date"]), period_length).astype(str))
    out = out[out["period"].isin(periods)]
    out = out.assign(date=pd.to_datetime(out["date"]).dt.date)
    return out[columns].reset_index(drop=True)


# --------------------------------------------------------------------------- on the forum


def received(db_path: Path) -> pd.DataFrame:
    """Which library sent which periods, in which upload, built and loaded when (newest first).

    Columns as ``queries/forum_packages_list.sql``: upload_id, file_name, library_key,
    display_name, consent_named, period, package_version, product_version, created_at, loaded_at,
    loaded_by, status (active | superseded | undone), superseded_by.
    """
    with db.reading(Path(db_path)) as con:
        return queries.run(con, "forum_packages_list")


def forum_alpha(db_path: Path) -> pd.DataFrame:
    """Cronbach's alpha of the staff scale on a forum installation, over the staff groups the
    analysis uses (published, on the shared instrument), from the packages' covariances."""
    pub = publish.published(Path(db_path))
    data, _ = battery.analysis_cells(pub.cells)
    staff = data[data["side"] == "staff"]
    visible = set(zip(staff["library"], staff["period"], strict=True))
    with db.reading(Path(db_path)) as con:
        cov = queries.run(con, "forum_item_covariances_all")
    return reliability.pooled_alpha(cov, visible, k=pub.k)
