"""Signed forum packages: each installation's Ed25519 key, and the forum's register of library keys.

Why: a package's checksums show that its tables match its manifest, but anyone can edit a manifest
and recompute them. Without a signature, a package naming another library (with
``consent_named: true``) would replace that library's figures and consent on the forum. So:

- **The library side.** Each installation has a signing key (table ``signing_keys``, schema
  version 6), made with its first package and kept in the database, so ``export``/``restore`` carry
  it. ``servicemirror forum-package`` signs the manifest (which lists every table's sha256) with
  it. ``servicemirror forum-key rotate`` replaces the key (the forum's admin must then register the
  new public key: ``forum-key export`` writes it to a file to hand over).
- **The forum side.** The first signed package accepted for a library registers its public key
  (table ``library_signing_keys``), unless a key file registered one first (``forum-key register``).
  From then on a package for that library that is unsigned or signed with another key is refused
  in one line and nothing changes. Only ``forum-key replace`` (an admin's decision, e.g. after the
  library rotated its key or lost its database) puts another key in its place. A library that has
  never sent a signed package has no key yet, so an unsigned package from an older Service Mirror
  is still accepted for it (docs/forum.md says so).

The signature itself is checked when a package is read (``etl.readers.forum_package``).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pandas as pd
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from servicemirror import queries
from servicemirror.core import db
from servicemirror.etl.readers import forum_package as fmt
from servicemirror.privacy import cells_table

KEY_FILE_FORMAT = "servicemirror-forum-key"


class SigningError(Exception):
    """A key operation refused; the message is one line saying what to do."""


def _store_new_key(con) -> Ed25519PrivateKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes_raw()
    queries.execute(
        con,
        "signing_key_insert",
        key_id=fmt.key_id(public),
        private_key=private.private_bytes_raw(),
        public_key=public,
    )
    return private


def own_key(db_path: Path, *, create: bool = False) -> Ed25519PrivateKey | None:
    """This installation's current signing key; made (and stored) when ``create`` and none exists."""
    with db.reading(Path(db_path)) as con:
        row = queries.run(con, "signing_key_current")
    if not row.empty:
        return Ed25519PrivateKey.from_private_bytes(bytes(row["private_key"].iloc[0]))
    if not create:
        return None
    # no cached result depends on the key: making it (on a first download) must not make every
    # page recompute its figures
    with db.writing(Path(db_path), bump=False) as con:
        # another process may have made it meanwhile: the lock makes this check-and-insert atomic
        row = queries.run(con, "signing_key_current")
        if not row.empty:
            return Ed25519PrivateKey.from_private_bytes(bytes(row["private_key"].iloc[0]))
        return _store_new_key(con)


def rotate(db_path: Path) -> str:
    """Retire the current signing key and make a new one; returns the new key id."""
    with db.writing(Path(db_path)) as con:
        cells_table.keep_current(con)
        queries.execute(con, "signing_key_retire")
        private = _store_new_key(con)
    return fmt.key_id(private.public_key().public_bytes_raw())


def sign(manifest: dict, private: Ed25519PrivateKey) -> dict:
    """Add ``manifest["signature"]`` (algorithm, public key, key id, value); returns the manifest."""
    public = private.public_key().public_bytes_raw()
    manifest.pop("signature", None)
    value = private.sign(fmt.signed_bytes(manifest))
    manifest["signature"] = {
        "algorithm": fmt.SIGNATURE_ALGORITHM,
        "public_key": base64.b64encode(public).decode(),
        "key_id": fmt.key_id(public),
        "value": base64.b64encode(value).decode(),
    }
    return manifest


# --------------------------------------------------------------------------- key files


def write_key_file(db_path: Path, out: Path, library_key: str, display_name: str) -> dict:
    """Write this installation's public key for ``library_key`` to ``out`` (JSON, no secret)."""
    private = own_key(db_path, create=True)
    public = private.public_key().public_bytes_raw()
    content = {
        "format": KEY_FILE_FORMAT,
        "library_key": library_key,
        "display_name": display_name,
        "algorithm": fmt.SIGNATURE_ALGORITHM,
        "public_key": base64.b64encode(public).decode(),
        "key_id": fmt.key_id(public),
    }
    Path(out).write_text(json.dumps(content, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return content


def read_key_file(path: Path) -> tuple[str, bytes]:
    """(library_key, raw public key) from a key file; SigningError (one line) if it is not one."""
    path = Path(path)
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        if content.get("format") != KEY_FILE_FORMAT or not content.get("library_key"):
            raise ValueError
        public = base64.b64decode(content["public_key"], validate=True)
        Ed25519PublicKey.from_public_bytes(public)
    except FileNotFoundError:
        raise SigningError(f"{path.name}: no such file.") from None
    except (UnicodeDecodeError, AttributeError, KeyError, TypeError, ValueError):
        raise SigningError(
            f"{path.name}: not a Service Mirror key file; ask the library for the file that "
            "`servicemirror forum-key export` writes."
        ) from None
    return str(content["library_key"]), public


def register_key_file(db_path: Path, path: Path, *, replace: bool = False, by: str = "cli") -> str:
    """Register (``replace``: replace) a library's public key from a key file; returns its key id.

    Without ``replace`` a library that already has a different key is refused: changing the key
    that guards a library's figures is an admin's explicit decision (``forum-key replace``).
    """
    library_key, public = read_key_file(path)
    new_id = fmt.key_id(public)
    with db.writing(Path(db_path), create=True) as con:
        cells_table.keep_current(con)  # no cell changes (and an early return still commits)
        row = queries.run(con, "library_signing_key_get", library_key=library_key)
        if not row.empty and not replace:
            old_id = str(row["key_id"].iloc[0])
            if old_id == new_id:
                return new_id
            raise SigningError(
                f"{library_key} already has key {old_id} registered; nothing changed. If the "
                "library really has a new key, an admin replaces it with "
                "`servicemirror forum-key replace FILE`."
            )
        queries.execute(
            con,
            "library_signing_key_upsert",
            library_key=library_key,
            public_key=public,
            key_id=new_id,
            registered_by=by,
            key_source="replaced" if not row.empty else "key_file",
        )
    return new_id


def registered(db_path: Path) -> pd.DataFrame:
    """The library keys registered on this installation (library_signing_keys_all.sql columns)."""
    with db.reading(Path(db_path)) as con:
        return queries.run(con, "library_signing_keys_all")


def own_key_info(db_path: Path) -> dict | None:
    """key_id and created_at of this installation's current signing key (None before the first)."""
    with db.reading(Path(db_path)) as con:
        row = queries.run(con, "signing_key_current")
    if row.empty:
        return None
    return {"key_id": str(row["key_id"].iloc[0]), "created_at": row["created_at"].iloc[0]}


# --------------------------------------------------------------------------- on the forum


def check_package_key(con, library_key: str, public: bytes | None, name: str, by: str) -> None:
    """Inside the load's transaction: the package's key must be the one registered for its
    library; the first signed package registers its key. SigningError (one line) otherwise, and
    the load's rollback then leaves the database as it was."""
    row = queries.run(con, "library_signing_key_get", library_key=library_key)
    if row.empty:
        if public is not None:
            queries.execute(
                con,
                "library_signing_key_upsert",
                library_key=library_key,
                public_key=public,
                key_id=fmt.key_id(public),
                registered_by=by,
                key_source="first_package",
            )
        return
    expected = str(row["key_id"].iloc[0])
    if public is None:
        raise SigningError(
            f"{name}: the package for {library_key} is unsigned, but {library_key}'s packages "
            f"are signed with key {expected}; refused, nothing changed."
        )
    if bytes(row["public_key"].iloc[0]) != public:
        raise SigningError(
            f"{name}: the package for {library_key} is signed with key {fmt.key_id(public)}, not "
            f"with {library_key}'s registered key {expected}; refused, nothing changed. If the "
            "library has a new key, an admin registers it with `servicemirror forum-key replace`."
        )
