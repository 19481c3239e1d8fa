"""Signed forum packages: a package that claims another library is refused.

Two library installations hold the same small forum (so each could build any library's package)
but each has its own signing key; the forum installation registers alfa's key from alfa's first
package. The attacker is installation B: it builds beta's package, edits the manifest and every
table to say alfa (with consent to be named), recomputes the checksums, and sends it unsigned,
signed with its own key, or with alfa's old signature left in place. Each is refused in one line
and the forum database is unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import write_small_forum, write_zip, zip_members

from servicemirror import cli, queries
from servicemirror.app import backup, forum, signing
from servicemirror.core import db
from servicemirror.etl import load
from servicemirror.etl.readers import forum_package as fmt


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("signing")
    files = write_small_forum(root / "files")
    installs = {}
    for name in ("a", "b"):
        installs[name] = root / f"{name}.duckdb"
        for file in files:
            load.load_file(installs[name], file, loaded_by="test")
    packages = {
        "alfa": forum.build_package(installs["a"], root / "alfa.zip", library="alfa"),
        "beta": forum.build_package(installs["b"], root / "beta.zip", library="beta"),
    }
    return {"root": root, "installs": installs, "packages": packages}


def _forged(source: Path, target: Path, *, signature: str, install: Path | None = None) -> Path:
    """beta's package rewritten to claim alfa, checksums recomputed; ``signature``: 'none' (drop
    it), 'own' (signed with ``install``'s key) or 'stale' (the original signature kept)."""
    manifest, tables = fmt.read_package(source)
    manifest["library"] = {
        "library_key": "alfa",
        "display_name": "Alfa",
        "municipality": None,
        "consent_named": True,
    }
    members = {}
    for name, frame in tables.items():
        data = fmt.table_bytes(frame.assign(library_key="alfa"), name)
        manifest["tables"][name]["sha256"] = fmt.sha256(data)
        members[manifest["tables"][name]["file"]] = data
    if signature == "none":
        manifest.pop("signature")
    elif signature == "own":
        signing.sign(manifest, signing.own_key(install))
    members[fmt.MANIFEST] = json.dumps(manifest).encode()
    return write_zip(members, target)


def _state(path: Path) -> tuple:
    with db.reading(path) as con:
        libraries = queries.run(con, "libraries_all")
    consent = dict(zip(libraries["library_key"], libraries["consent_named"], strict=True))
    return db.data_version(path), consent, forum.received(path)["upload_id"].tolist()


def _forum_with_alfa(tmp_path: Path, world: dict) -> Path:
    path = tmp_path / "forum.duckdb"
    report = load.load_file(path, world["root"] / "alfa.zip", loaded_by="test")
    assert report.status == "loaded"
    return path


def test_packages_are_signed_with_the_installation_key(world):
    manifest = world["packages"]["alfa"].manifest
    own = signing.own_key_info(world["installs"]["a"])
    assert manifest["signature"]["key_id"] == own["key_id"]
    assert manifest["signature"]["algorithm"] == "ed25519"
    # one key per installation, kept: a second package is signed with the same key
    again = forum.build_package(world["installs"]["a"], world["root"] / "again.zip", library="beta")
    assert again.manifest["signature"]["key_id"] == own["key_id"]
    assert own["key_id"] != signing.own_key_info(world["installs"]["b"])["key_id"]


def test_first_package_registers_the_library_key(world, tmp_path):
    path = _forum_with_alfa(tmp_path, world)
    keys = signing.registered(path)
    assert keys.to_dict(orient="records")[0] | {"registered_at": None} == {
        "library_key": "alfa",
        "key_id": world["packages"]["alfa"].manifest["signature"]["key_id"],
        "registered_at": None,
        "registered_by": "test",
        "source": "first_package",
    }


@pytest.mark.parametrize(
    "signature, message",
    [
        ("none", "is unsigned, but alfa's packages are signed with key"),
        ("own", "not with alfa's registered key"),
        ("stale", "signature does not match its content"),
    ],
)
def test_a_forged_package_for_another_library_is_refused(world, tmp_path, signature, message):
    """Failure 6: the edited manifest with recomputed checksums replaced alfa's figures/consent."""
    path = _forum_with_alfa(tmp_path, world)
    before = _state(path)
    forged = _forged(
        world["root"] / "beta.zip",
        tmp_path / "forged.zip",
        signature=signature,
        install=world["installs"]["b"],
    )
    with pytest.raises(load.LoadRefused, match=message) as info:
        load.load_file(path, forged, loaded_by="test")
    assert "\n" not in str(info.value)
    assert _state(path) == before


def test_the_library_own_next_package_is_accepted(world, tmp_path):
    path = _forum_with_alfa(tmp_path, world)
    newer = forum.build_package(world["installs"]["a"], tmp_path / "alfa2.zip", library="alfa")
    assert newer.manifest["signature"]["key_id"] == signing.registered(path)["key_id"].iloc[0]
    # same content as the first one would be a duplicate; a new created_at makes it a new file
    assert load.load_file(path, tmp_path / "alfa2.zip", loaded_by="test").status == "loaded"


def test_key_file_registration_replace_and_rotation(world, tmp_path):
    forum_db = tmp_path / "forum.duckdb"
    install = tmp_path / "a.duckdb"
    for item in world["installs"]["a"].parent.iterdir():
        if item.name.startswith("a.duckdb"):
            (tmp_path / item.name).write_bytes(item.read_bytes())
    # the library hands over its key file before sending anything
    key_file = tmp_path / "alfa-key.json"
    assert (
        cli.main(
            [
                "forum-key",
                "export",
                "--db",
                str(install),
                "--out",
                str(key_file),
                "--library",
                "alfa",
            ]
        )
        == 0
    )
    assert "private" not in key_file.read_text()
    assert cli.main(["forum-key", "register", str(key_file), "--db", str(forum_db)]) == 0
    assert signing.registered(forum_db)["source"].tolist() == ["key_file"]
    # a package signed by another installation (B) for alfa is refused
    b_alfa = forum.build_package(world["installs"]["b"], tmp_path / "b-alfa.zip", library="alfa")
    assert b_alfa.manifest["library"]["library_key"] == "alfa"
    with pytest.raises(load.LoadRefused, match="registered key"):
        load.load_file(forum_db, tmp_path / "b-alfa.zip")
    # the library rotates its key: its next package is refused until an admin replaces the key
    old_id = signing.own_key_info(install)["key_id"]
    assert cli.main(["forum-key", "rotate", "--db", str(install)]) == 0
    new_id = signing.own_key_info(install)["key_id"]
    assert new_id != old_id
    forum.build_package(install, tmp_path / "rotated.zip", library="alfa")
    with pytest.raises(load.LoadRefused, match="registered key"):
        load.load_file(forum_db, tmp_path / "rotated.zip")
    signing.write_key_file(install, tmp_path / "new-key.json", "alfa", "Alfa")
    # registering a different key without `replace` is refused and changes nothing
    assert (
        cli.main(["forum-key", "register", str(tmp_path / "new-key.json"), "--db", str(forum_db)])
        == 1
    )
    assert signing.registered(forum_db)["key_id"].tolist() == [old_id]
    assert (
        cli.main(["forum-key", "replace", str(tmp_path / "new-key.json"), "--db", str(forum_db)])
        == 0
    )
    assert signing.registered(forum_db)[["key_id", "source"]].values.tolist() == [
        [new_id, "replaced"]
    ]
    assert load.load_file(forum_db, tmp_path / "rotated.zip").status == "loaded"


def test_backup_carries_the_signing_key(world, tmp_path):
    install = world["installs"]["a"]
    before = signing.own_key_info(install)["key_id"]
    backup.export(install, tmp_path / "out")
    restored = tmp_path / "restored.duckdb"
    backup.restore(tmp_path / "out", restored)
    assert signing.own_key_info(restored)["key_id"] == before
    package = forum.build_package(restored, tmp_path / "from-restore.zip", library="alfa")
    assert package.manifest["signature"]["key_id"] == before


def test_an_unsigned_package_is_accepted_only_for_a_library_without_a_key(world, tmp_path):
    """A package from a Service Mirror before signing: accepted while its library has no key."""
    members = zip_members(world["root"] / "beta.zip")
    manifest = json.loads(members[fmt.MANIFEST])
    manifest.pop("signature")
    members[fmt.MANIFEST] = json.dumps(manifest).encode()
    unsigned = write_zip(members, tmp_path / "beta-unsigned.zip")
    path = tmp_path / "forum.duckdb"
    assert load.load_file(path, unsigned).status == "loaded"
    assert signing.registered(path).empty


def test_forum_key_list_and_bad_key_file(world, tmp_path, capsys):
    assert cli.main(["forum-key", "list", "--db", str(world["installs"]["a"])]) == 0
    out = capsys.readouterr().out
    assert signing.own_key_info(world["installs"]["a"])["key_id"] in out
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    assert cli.main(["forum-key", "register", str(bad), "--db", str(tmp_path / "f.duckdb")]) == 1
    assert "not a Service Mirror key file" in capsys.readouterr().err
