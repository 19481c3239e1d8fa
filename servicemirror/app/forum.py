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

from servicemirror import queries
from servicemirror.analysis import battery, reliability
from servicemirror.app import comments, signing
from servicemirror.core import db
from servicemirror.etl.load import period_of
from servicemirror.etl.readers import forum_package as fmt
from servicemirror.privacy import publish

SCALE = battery.STAFF_MEASURE  # the staff scale whose alpha the battery reports
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
        answers = queries.run(con, "forum_staff_answers", library_key=library)
        kiosk = queries.run(con, "forum_kiosk_days", library_key=library)
        facts = queries.run(con, "library_facts_all")
    cells = _cells(own[own["period"].isin(periods)])
    answers = answers[answers["period"].isin(periods)]
    released = released_staff_groups(answers, cells, pub.k)
    tables = {
        "cells": cells,
        "items": _items(items[items["period"].isin(periods)], answers, released, cells, pub.k),
        "item_covariances": _covariances(
            staff_rows[(staff_rows["library_key"] == library) & staff_rows["period"].isin(periods)],
            released,
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
    # signed with this installation's key (made with its first package), so the forum can tell
    # that the package comes from this installation and was not changed on the way
    out = Path(out)
    data = signed_bytes(db_path, package)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(out)  # never a half-written package where the user expects one
    return package


def signed_bytes(db_path: Path, package: Package) -> bytes:
    """The package file's bytes, signed with this installation's key (made if it has none yet)."""
    return to_bytes(package, signing.own_key(Path(db_path), create=True))


def to_bytes(package: Package, key=None) -> bytes:
    """The package file's bytes; fills ``package.manifest['tables']`` with files, rows, sha256.

    With ``key`` (an Ed25519 private key) the manifest is signed after the checksums are in, so
    the signature covers every table."""
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
        if key is not None:
            signing.sign(package.manifest, key)
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


GROUP = ["period", "measure", "touchpoint"]  # one staff cell of the package's library


def released_staff_groups(answers: pd.DataFrame, cells: pd.DataFrame, k: int) -> pd.DataFrame:
    """The staff cells whose item statistics may leave, with their complete respondents.

    The package's cell for a staff measure covers every respondent who answered any of its items
    (set R); item statistics cover only the respondents who answered EVERY item of the cell (set
    C, complete cases), and so do the item covariances. Released side by side, ``n * mean`` of the
    cell (or of an item over all its answerers) minus the same over C is the sum of the incomplete
    respondents' answers, so whenever R minus C holds 1..k-1 people it pins them down. Hence item
    statistics leave only for a published cell with at least k complete respondents and with
    either no incomplete respondent or at least k of them; every item of the cell is computed over
    the same set C, so items and covariances can never be differenced against each other either.

    ``answers``: forum_staff_answers.sql rows. Returns one row per released cell: period,
    measure, touchpoint, n (complete respondents), n_incomplete, response_ids (frozenset of C).
    """
    columns = [*GROUP, "n", "n_incomplete", "response_ids"]
    if answers.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    shown = cells[(cells["side"] == "staff") & ~cells["suppressed"].astype(bool)]
    shown_keys = set(zip(shown["period"], shown["measure"], shown["touchpoint"], strict=True))
    out = []
    for key, group in answers.groupby(GROUP, sort=True):
        if key not in shown_keys:
            continue
        items_per_person = group.groupby("response_id")["item_code"].nunique()
        n_items = group["item_code"].nunique()
        complete = frozenset(items_per_person.index[items_per_person == n_items])
        n_incomplete = len(items_per_person) - len(complete)
        if len(complete) < k or 0 < n_incomplete < k:
            continue
        out.append((*key, len(complete), n_incomplete, complete))
    return pd.DataFrame(out, columns=columns)


def _items(
    items: pd.DataFrame,
    answers: pd.DataFrame,
    released: pd.DataFrame,
    cells: pd.DataFrame,
    k: int,
) -> pd.DataFrame:
    """Item statistics that may leave: patron items as they are; staff items from rows only for a
    released cell (:func:`released_staff_groups`) and computed over its complete respondents;
    staff items from vendor aggregates only for a published cell whose every item has k answers.

    For aggregates the cell is the average of its item means, so the items add nothing that could
    be subtracted; a whole construct goes when one item is short, because the construct's cell
    mean and the other items' means would otherwise pin the short item down.
    """
    columns = fmt.TABLES["items"].names
    items = items.assign(
        measure=items["construct"].where(items["construct"] != "touchpoint", "satisfaction")
    )
    patron = items[items["side"] != "staff"]
    staff = items[items["side"] == "staff"]
    # staff items from vendor aggregates: no rows to recompute, the old whole-construct rule
    agg = staff[staff["source"] != "rows"]
    shown = cells[(cells["side"] == "staff") & ~cells["suppressed"].astype(bool)]
    shown_keys = set(zip(shown["period"], shown["measure"], shown["touchpoint"], strict=True))
    short = agg.assign(short=agg["n"] < k).groupby(GROUP)["short"].transform("any")
    in_shown = [
        key in shown_keys
        for key in zip(agg["period"], agg["measure"], agg["touchpoint"], strict=True)
    ]
    agg = agg[~short & pd.Series(in_shown, index=agg.index, dtype=bool)]
    # staff items from rows: complete-case statistics of released cells only
    meta = staff[staff["source"] == "rows"].drop(columns=["n", "mean", "sd", "ss_within"])
    complete = _complete_case_stats(answers, released)
    rows = meta.merge(complete, on=[*GROUP, "item_code"], how="inner")
    out = pd.concat([patron, rows, agg], ignore_index=True)
    out = out.sort_values(["period", "side", "touchpoint", "item_code"], kind="stable")
    out["n"] = out["n"].astype("int64")
    return out[columns].reset_index(drop=True)


def _complete_case_stats(answers: pd.DataFrame, released: pd.DataFrame) -> pd.DataFrame:
    """n, mean, sd and within sum of squares of each item over its cell's complete respondents."""
    columns = [*GROUP, "item_code", "n", "mean", "sd", "ss_within"]
    if released.empty or answers.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
    members = released[[*GROUP, "response_ids"]].explode("response_ids")
    members = members.rename(columns={"response_ids": "response_id"})
    members["response_id"] = members["response_id"].astype(answers["response_id"].dtype)
    kept = answers.merge(members, on=[*GROUP, "response_id"], how="inner")
    stats = (
        kept.groupby([*GROUP, "item_code"], sort=True)["value"]
        .agg(n="count", mean="mean", sd=lambda v: v.std(ddof=1))
        .reset_index()
    )
    stats["ss_within"] = (stats["sd"] ** 2 * (stats["n"] - 1)).fillna(0.0)
    return stats[columns]


def _covariances(staff_rows: pd.DataFrame, released: pd.DataFrame, k: int) -> pd.DataFrame:
    """Complete-respondent item means and covariances of the staff scale, per released cell
    (:func:`released_staff_groups`): the same complete respondents as the items table."""
    scale = released[(released["measure"] == SCALE) & (released["touchpoint"] == "")]
    rows = staff_rows[staff_rows["period"].isin(set(scale["period"]))]
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
    """Comment theme and tone counts that may leave (``servicemirror.app.comments.package_rows``):
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
    with db.reading(Path(db_path)) as con:
        cov = queries.run(con, "forum_item_covariances_all")
        instruments = queries.run(con, "instruments_all")
    data, _ = battery.analysis_cells(pub.cells, instruments)
    staff = data[data["side"] == "staff"]
    visible = set(zip(staff["library"], staff["period"], strict=True))
    return reliability.pooled_alpha(cov, visible, k=pub.k)
