"""Commands of the forum (pooled, pseudonymous results): ``forum-package``, ``forum``, ``forum-key``."""

from __future__ import annotations

from pathlib import Path

from servicemirror import queries
from servicemirror.cli.common import (
    CommandError,
    _actions,
    _command,
    _db,
    _one_line,
    _report,
    _service,
    print_json,
)
from servicemirror.core import db


def cmd_forum_package(args) -> int:
    from servicemirror.app import forum

    try:
        package = _service(args).write_forum_package(
            Path(args.out), library=args.library, periods=args.periods
        )
    except forum.ForumError as exc:
        raise CommandError(str(exc)) from None
    manifest = package.manifest
    if args.json:
        print_json({"file": str(args.out), **manifest})
        return 0
    lib = manifest["library"]
    named = "may be named" if lib["consent_named"] else "shown under a pseudonym"
    print(f"Forum package written to {args.out}")
    print(f"  library {lib['display_name']} ({lib['library_key']}, {named} in the forum)")
    print(
        f"  periods {', '.join(manifest['periods'])}; "
        f"staff figures only for groups of >= {manifest['k']}"
    )
    for name, spec in manifest["tables"].items():
        print(f"  {name}: {spec['rows']} rows")
    print(f"  never contains: {manifest['never_contains']}")
    print(f"  signed with this installation's key {manifest['signature']['key_id']}")
    return 0


def cmd_forum(args) -> int:
    from servicemirror.app import forum

    svc = _service(args)
    frame = forum.received(_db(args))
    # the sender's name as this user may see it (an admin: the real name)
    frame = frame.assign(display_name=frame["library_key"].map(svc.names("en", show_names=True)))
    if not (svc.principal and svc.principal.is_admin):
        # a package's file name usually names the sender: only the own library's for a manager
        own = svc.principal.library_key if svc.principal else None
        frame = frame.assign(file_name=frame["file_name"].where(frame["library_key"] == own, "—"))
    if args.json:
        print_json(frame.to_dict(orient="records"))
        return 0
    if frame.empty:
        print("No forum packages received yet. Load them with `servicemirror load FILE.zip`.")
        return 0
    grouped = frame.groupby(["upload_id", "library_key"], sort=False)
    for (upload_id, _), part in grouped:
        row = part.iloc[0]
        periods = ", ".join(
            f"{p}" if s == "active" else f"{p} ({s})"
            for p, s in zip(part["period"], part["status"], strict=True)
        )
        print(
            f"{upload_id:>5}  {row.display_name}  built {str(row.created_at)[:19]}  "
            f"loaded {str(row.loaded_at)[:19]}  {row.file_name}: {periods}"
        )
    return 0


def cmd_forum_key_list(args) -> int:
    from servicemirror.app import signing

    db_path = _db(args)
    own, rows = None, []
    with _one_line(signing.SigningError):
        if db.exists(db_path):
            own = signing.own_key_info(db_path)
            rows = signing.registered(db_path).to_dict(orient="records")
    if args.json:
        print_json({"own_key": own, "libraries": rows})
        return 0
    print(f"own signing key: {own['key_id'] if own else 'none yet (made with the first package)'}")
    for r in rows:
        when = str(r["registered_at"])[:19]
        print(f"{r['library_key']}: {r['key_id']} ({r['source']}, {when})")
    return 0


def cmd_forum_key_export(args) -> int:
    from servicemirror.app import forum, signing

    db_path = _db(args)
    with _one_line(signing.SigningError):
        keys = forum.libraries_with_data(db_path)
        library = args.library or (keys[0] if len(keys) == 1 else None)
        if library not in keys:
            raise CommandError(
                f"name the library with --library (one of: {', '.join(keys) or 'none yet'})."
            )
        with db.reading(db_path) as con:
            libraries = queries.run(con, "libraries_all")
        name = libraries.loc[libraries["library_key"] == library, "display_name"].iloc[0]
        content = signing.write_key_file(db_path, Path(args.out), library, str(name))
    return _report(
        args,
        {"file": str(args.out), "library_key": library, "key_id": content["key_id"]},
        f"Public key {content['key_id']} of {library} written to {args.out}.",
        "  Hand it to the forum's admin: `servicemirror forum-key register FILE`.",
    )


def cmd_forum_key_register(args) -> int:
    return _register_key(args, replace=False)


def cmd_forum_key_replace(args) -> int:
    return _register_key(args, replace=True)


def _register_key(args, replace: bool) -> int:
    from servicemirror.app import signing

    with _one_line(signing.SigningError):
        key_id = _service(args).register_library_key(Path(args.file), replace=replace)
        library, _ = signing.read_key_file(Path(args.file))
    done = "replaced by" if replace else "registered as"
    return _report(
        args,
        {"library_key": library, "key_id": key_id, "replaced": replace},
        f"{library}: key {done} {key_id}; its packages must be signed with it.",
    )


def cmd_forum_key_rotate(args) -> int:
    from servicemirror.app import signing

    with _one_line(signing.SigningError):
        key_id = _service(args).rotate_own_key()
    return _report(
        args,
        {"key_id": key_id},
        f"New signing key {key_id}; the next forum package is signed with it.",
        "  Send the forum `servicemirror forum-key export` so its admin can replace it.",
    )


def add_commands(commands) -> None:
    """Add ``forum-package``, ``forum`` and ``forum-key`` to ``commands``."""
    p = _command(
        commands,
        "forum-package",
        "Write this library's aggregate-only forum package (k-checked, no rows, no comments).",
        cmd_forum_package,
        json_help="print the manifest as JSON",
    )
    p.add_argument("--out", required=True, metavar="FILE", help="where to write the package (.zip)")
    p.add_argument(
        "--periods", nargs="+", metavar="PERIOD", help="only these periods (default all)"
    )
    p.add_argument("--library", help="the library, when the database holds more than one")

    _command(
        commands,
        "forum",
        "List the forum packages received: which library sent what, when.",
        cmd_forum,
    )

    p = _command(
        commands,
        "forum-key",
        "Forum package signing keys: list, export the own public key, rotate it; on the forum "
        "register or (admin) replace a library's key.",
    )
    actions = _actions(p)
    _command(
        actions,
        "list",
        "This installation's key and the library keys registered.",
        cmd_forum_key_list,
        action_of=p,
    )
    a = _command(
        actions,
        "export",
        "Write this installation's public key to a key file.",
        cmd_forum_key_export,
        action_of=p,
    )
    a.add_argument("--out", required=True, metavar="FILE.json", help="where to write the key file")
    a.add_argument("--library", metavar="KEY", help="the library the key signs for")
    a = _command(
        actions,
        "register",
        "Register a library's key from its key file.",
        cmd_forum_key_register,
        action_of=p,
    )
    a.add_argument("file", metavar="FILE.json", help="the library's key file")
    a = _command(
        actions,
        "replace",
        "Admin: replace a library's registered key.",
        cmd_forum_key_replace,
        action_of=p,
    )
    a.add_argument("file", metavar="FILE.json", help="the library's new key file")
    _command(
        actions,
        "rotate",
        "Retire this installation's signing key and make a new one.",
        cmd_forum_key_rotate,
        action_of=p,
    )
