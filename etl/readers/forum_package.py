"""Reader for the forum package: one library's aggregate-only export for the forum.

A package is ONE zip file holding ``manifest.json`` and one Parquet file per table (see
:data:`TABLES`; docs/forum.md explains every column). This module defines the format and reads
and checks a package; it never writes to a database (``etl.load`` does) and never builds one
(``servicemirror.app.forum`` does). A package is recognised by its content, not its file name.

Checks before anything is loaded, each refusing the whole file with one line:
- the zip holds ``manifest.json`` with our format marker and nothing but the listed tables;
- the package version is one this Service Mirror reads (older and newer ones say so);
- every table's sha256 and row count match the manifest, and its columns are the expected ones;
- every row belongs to the manifest's library and periods;
- no staff cell below the package's k (or below 3, whatever the package says) carries a figure;
- a signed package's Ed25519 signature (``manifest["signature"]``) matches its manifest. The
  manifest lists every table's sha256, so the signature covers the whole package. Whether the
  key is the one registered for the library is the forum database's question (``etl.load``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from servicemirror.core import labels
from servicemirror.etl.readers.base import ReadError, ReadResult

FORMAT = "forum_package"
MARKER = "servicemirror-forum-package"
MANIFEST = "manifest.json"
PACKAGE_VERSION = 1
# Package versions this Service Mirror reads. Version 0 was the pre-release layout without
# checksums: it cannot be verified, so it is refused with a request to export again.
READABLE_VERSIONS = frozenset({1})
K_FLOOR = 3  # never accept a package that claims a threshold below the product's minimum

_STR = pa.string()
_F64 = pa.float64()
_I64 = pa.int64()

# table name -> Arrow schema. Only what the analysis needs; no rows, comments or respondent ids.
TABLES: dict[str, pa.Schema] = {
    # the cells the library's publication layer shows (cells.sql columns); suppressed staff cells
    # carry n only. passives = n - promoters - detractors (NPS/eNPS cells only).
    "cells": pa.schema(
        [
            ("library_key", _STR),
            ("period", _STR),
            ("side", _STR),
            ("measure", _STR),
            ("touchpoint", _STR),
            ("n", _I64),
            ("mean", _F64),
            ("sd", _F64),
            ("ss_within", _F64),
            ("promoters", _I64),
            ("passives", _I64),
            ("detractors", _I64),
            ("source", _STR),
            ("instrument", _STR),
            ("suppressed", pa.bool_()),
            ("suppressed_reason", _STR),
        ]
    ),
    # item-level sufficient statistics on the item's own scale
    "items": pa.schema(
        [
            ("library_key", _STR),
            ("period", _STR),
            ("side", _STR),
            ("touchpoint", _STR),
            ("item_code", _STR),
            ("construct", _STR),
            ("scale_min", _F64),
            ("scale_max", _F64),
            ("instrument_id", _STR),
            ("n", _I64),
            ("mean", _F64),
            ("sd", _F64),
            ("ss_within", _F64),
            ("source", _STR),
        ]
    ),
    # complete-respondent item means and covariances per staff scale (Cronbach's alpha), n >= k
    "item_covariances": pa.schema(
        [
            ("library_key", _STR),
            ("period", _STR),
            ("scale", _STR),
            ("n", _I64),
            ("n_incomplete", _I64),
            ("item_i", _STR),
            ("item_j", _STR),
            ("mean_i", _F64),
            ("mean_j", _F64),
            ("cov", _F64),
        ]
    ),
    "kiosk_days": pa.schema(
        [
            ("library_key", _STR),
            ("period", _STR),
            ("date", pa.date32()),
            ("question", _STR),
            ("button", _I64),
            ("n", _I64),
        ]
    ),
    "facts": pa.schema(
        [
            ("library_key", _STR),
            ("period", _STR),
            ("name", _STR),
            ("value", _F64),
            ("source", _STR),
        ]
    ),
    # comment theme and tone counts per library x period x side x theme (theme '' = all
    # comments), only for groups of at least k_comments respondents; counts, never text
    "comment_themes": pa.schema(
        [
            ("library_key", _STR),
            ("period", _STR),
            ("side", _STR),
            ("theme", _STR),
            ("n_comments", _I64),
            ("positive", _I64),
            ("neutral", _I64),
            ("negative", _I64),
            ("n_group", _I64),
        ]
    ),
}
# tables a package made before they existed may lack (read as empty)
OPTIONAL_TABLES = frozenset({"comment_themes"})
STAFF_FIGURES = ["mean", "sd", "ss_within", "promoters", "passives", "detractors"]


@dataclass
class PackageResult(ReadResult):
    """A read and verified package: the manifest and one DataFrame per table of :data:`TABLES`."""

    manifest: dict = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def parts(self) -> pd.DataFrame:
        """One registry row per library x period the package covers (forum_packages columns)."""
        m = self.manifest
        created = pd.Timestamp(m["created_at"]).tz_localize(None) if m.get("created_at") else None
        return pd.DataFrame(
            {
                "library_key": m["library"]["library_key"],
                "period": [str(p) for p in m["periods"]],
                "package_version": int(m["package_version"]),
                "product_version": str(m.get("product_version") or ""),
                "created_at": created,
                "instruments": "+".join(m.get("instruments") or []),
                "consent_named": bool(m["library"].get("consent_named", False)),
                "k": int(m["k"]),
            }
        )


def _parquet():
    """pyarrow's Parquet module, imported when a package is written or read: every load imports
    this reader for detection, and Parquet (with its file systems) is not needed for the rest."""
    import pyarrow.parquet as pq

    return pq


def table_bytes(frame: pd.DataFrame, name: str) -> bytes:
    """One table as Parquet bytes with the fixed schema of :data:`TABLES` (columns in order)."""
    schema = TABLES[name]
    table = pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)
    buffer = io.BytesIO()
    _parquet().write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    """Hex sha256 of a table's bytes (the manifest's checksum)."""
    return hashlib.sha256(data).hexdigest()


SIGNATURE_ALGORITHM = "ed25519"


def signed_bytes(manifest: dict) -> bytes:
    """The bytes a package signature covers: the manifest without its signature, as canonical
    JSON (sorted keys, no spaces), so signing and checking never depend on the file's layout."""
    body = {key: value for key, value in manifest.items() if key != "signature"}
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def key_id(public_key: bytes) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its sha256."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def signature_key(manifest: dict, name: str) -> bytes | None:
    """The raw public key that signed the package (None if it is unsigned); ReadError (one line)
    if the signature is malformed or does not match the manifest (changed after signing)."""
    sig = manifest.get("signature")
    if sig is None:
        return None
    try:
        if sig.get("algorithm") != SIGNATURE_ALGORITHM:
            raise ValueError
        public = base64.b64decode(sig["public_key"], validate=True)
        value = base64.b64decode(sig["value"], validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(value, signed_bytes(manifest))
    except (AttributeError, KeyError, TypeError, ValueError, binascii.Error):
        raise ReadError.of("read_pkg_signature_unreadable", file=name) from None
    except InvalidSignature:
        raise ReadError.of("read_pkg_signature_mismatch", file=name) from None
    return public


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.namelist()
    except zipfile.BadZipFile:
        return []


def detect(sniffed, path: Path) -> float:
    """1.0 for a zip whose manifest carries the forum-package marker, else 0."""
    if sniffed.kind != "zip" or MANIFEST not in _zip_names(path):
        return 0.0
    with zipfile.ZipFile(path) as zf:
        head = zf.read(MANIFEST)[:4096]
    return 1.0 if MARKER.encode() in head else 0.0


def read(path: Path, sniffed=None, options=None) -> PackageResult:
    """Read and verify a package; ReadError (one line) when anything does not match."""
    path = Path(path)
    manifest, tables = read_package(path)
    rows = sum(len(t) for t in tables.values())
    result = PackageResult(
        path=path,
        format=FORMAT,
        encoding="binary",
        instrument="+".join(manifest.get("instruments") or []) or None,
        records=rows,
        manifest=manifest,
        tables=tables,
    )
    return result


def read_package(path: Path) -> tuple[dict, dict[str, pd.DataFrame]]:
    """The manifest and tables of a package file, after every check in the module docstring."""
    path = Path(path)
    name = path.name
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError.of("read_pkg_not_zip", file=name) from None
    with zf:
        names = zf.namelist()
        if MANIFEST not in names:
            raise ReadError.of("read_pkg_no_manifest", file=name, manifest=MANIFEST)
        manifest = _manifest(zf.read(MANIFEST), name)
        listed = {spec["file"]: table for table, spec in manifest["tables"].items()}
        extra = sorted(set(names) - set(listed) - {MANIFEST})
        if extra:
            raise ReadError.of(
                "read_pkg_extra_files", file=name, names=labels.clip(", ".join(extra))
            )
        tables = {}
        for table, spec in manifest["tables"].items():
            if spec["file"] not in names:
                raise ReadError.of(
                    "read_pkg_table_missing",
                    file=name,
                    table=table,
                    member=labels.clip(spec["file"]),
                )
            data = zf.read(spec["file"])
            if sha256(data) != spec.get("sha256"):
                raise ReadError.of("read_pkg_checksum", file=name, table=table)
            tables[table] = _table(data, table, spec, name)
    for table in OPTIONAL_TABLES - set(tables):
        tables[table] = TABLES[table].empty_table().to_pandas(types_mapper=_nullable)
    _check_content(manifest, tables, name)
    signature_key(manifest, name)  # after the content checks, so their messages come first
    return manifest, tables


def _manifest(raw: bytes, name: str) -> dict:
    try:
        manifest = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ReadError.of("read_pkg_manifest_json", file=name) from None
    if not isinstance(manifest, dict) or manifest.get("format") != MARKER:
        raise ReadError.of("read_pkg_unknown_manifest", file=name)
    version = manifest.get("package_version")
    if not isinstance(version, int):
        raise ReadError.of("read_pkg_no_version", file=name)
    if version > PACKAGE_VERSION:
        raise ReadError.of("read_pkg_too_new", file=name, version=version, readable=PACKAGE_VERSION)
    if version not in READABLE_VERSIONS:
        made_by = manifest.get("product_version") or "read_pkg_older_version"
        raise ReadError.of(
            "read_pkg_too_old",
            file=name,
            version=version,
            made_by=labels.clip(made_by),
            oldest=min(READABLE_VERSIONS),
            readable=PACKAGE_VERSION,
        )
    missing = [
        key for key in ("library", "periods", "k", "tables", "created_at") if key not in manifest
    ]
    if missing or not isinstance(manifest.get("tables"), dict):
        raise ReadError.of(
            "read_pkg_manifest_lacks", file=name, missing=", ".join(missing) or "tables"
        )
    unknown = sorted(set(manifest["tables"]) - set(TABLES))
    absent = sorted(set(TABLES) - set(manifest["tables"]) - OPTIONAL_TABLES)
    if unknown or absent:
        raise ReadError.of(
            "read_pkg_tables_differ",
            file=name,
            unknown=labels.clip(", ".join(unknown) or "-"),
            absent=", ".join(absent) or "-",
        )
    if not isinstance(manifest["library"], dict) or not manifest["library"].get("library_key"):
        raise ReadError.of("read_pkg_no_library", file=name)
    return manifest


def _table(data: bytes, table: str, spec: dict, name: str) -> pd.DataFrame:
    try:
        arrow = _parquet().read_table(pa.BufferReader(data))
    except pa.ArrowException as exc:
        raise ReadError.of(
            "read_pkg_table_unreadable", file=name, table=table, error=labels.clip(exc)
        ) from None
    expected = TABLES[table]
    if arrow.schema.names != expected.names:
        raise ReadError.of(
            "read_pkg_table_columns",
            file=name,
            table=table,
            found=labels.clip(", ".join(arrow.schema.names)),
            expected=", ".join(expected.names),
        )
    if arrow.num_rows != spec.get("rows"):
        raise ReadError.of(
            "read_pkg_table_rows",
            file=name,
            table=table,
            rows=arrow.num_rows,
            declared=labels.clip(spec.get("rows")),
        )
    # the fixed schema again, so an all-null column still has its type (int64 stays nullable)
    frame = arrow.cast(expected).to_pandas(types_mapper=_nullable)
    return frame


def _nullable(arrow_type: pa.DataType):
    """Arrow -> pandas dtypes that keep nulls in integer columns (no float round trip)."""
    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    return None


def _check_content(manifest: dict, tables: dict[str, pd.DataFrame], name: str) -> None:
    library = manifest["library"]["library_key"]
    periods = {str(p) for p in manifest["periods"]}
    for table, frame in tables.items():
        if frame.empty:
            continue
        # a package carries one library's own periods only: anything else is refused by name
        for column, allowed, key, slot in (
            ("library_key", {library}, "read_pkg_other_libraries", "others"),
            ("period", periods, "read_pkg_other_periods", "periods"),
        ):
            stray = set(frame[column]) - allowed
            if stray:
                clipped = labels.clip(", ".join(sorted(stray)))
                raise ReadError.of(key, file=name, table=table, **{slot: clipped})
    k = max(K_FLOOR, int(manifest["k"]))
    cells = tables["cells"]
    staff_small = cells[(cells["side"] == "staff") & (cells["n"] < k)]
    if staff_small[STAFF_FIGURES].notna().any().any():
        raise ReadError.of("read_pkg_small_staff_group", file=name, k=k)
    themes = tables["comment_themes"]
    if (themes["n_group"].isna() | (themes["n_group"] < k)).any():
        raise ReadError.of("read_pkg_small_theme_group", file=name, k=k)
    for table in ("items", "item_covariances"):
        frame = tables[table]
        side = frame["side"] if "side" in frame.columns else pd.Series("staff", index=frame.index)
        if ((side == "staff") & (frame["n"] < k)).any():
            raise ReadError.of("read_pkg_small_item_group", file=name, table=table, k=k)
    # items and covariances over different staff sets could be subtracted from each other: the
    # covariances leave only with 0 or >= k incomplete respondents, and the staff items of the
    # scale are computed over the same complete respondents (servicemirror.app.forum)
    cov = tables["item_covariances"]
    if ((cov["n_incomplete"] > 0) & (cov["n_incomplete"] < k)).any():
        raise ReadError.of("read_pkg_covariance_gap", file=name, below_k=k - 1)
    items = tables["items"]
    staff = items[(items["side"] == "staff") & (items["source"] == "rows")]
    for period, part in cov.groupby("period"):
        scale_items = set(part["item_i"]) | set(part["item_j"])
        own = staff[(staff["period"] == period) & staff["item_code"].isin(scale_items)]
        if (own["n"] != int(part["n"].iloc[0])).any():
            raise ReadError.of("read_pkg_covariance_sets", file=name, period=labels.clip(period))
