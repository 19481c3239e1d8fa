"""Administration commands: ``settings``, ``audit``, ``users``, ``export``, ``restore``, ``purge``."""

from __future__ import annotations

import sys
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
    one_line,
    print_json,
)
from servicemirror.core import config, db
from servicemirror.privacy import publish, users


def cmd_settings(args) -> int:
    db_path = _db(args)
    if args.set:
        key, sep, value = args.set.partition("=")
        if not sep:
            raise CommandError(f"--set {args.set!r}: write it as KEY=VALUE, e.g. k_staff=5.")
        _service(args).set_setting(key.strip(), value.strip())
    with db.reading(db_path) as con:
        stored = dict(queries.run(con, "settings_all").itertuples(index=False))
    values = {
        s.name: stored.get(s.name, s.default) for s in config.SETTINGS if s.name != "hash_salt"
    }
    if args.json:
        print_json(values)
    else:
        for s in config.SETTINGS:
            if s.name != "hash_salt":
                print(f"{s.name} = {values[s.name]}    # {s.help}")
        k_staff = publish.k_from_settings(values)
        if publish.k_comments_from_settings(values) > int(values["k_comments"]):
            print(f"note: comments are never shown below k_staff, so k_comments acts as {k_staff}.")
    return 0


def cmd_audit(args) -> int:
    frame = _service(args).audit_log()  # admins only (server mode: $SERVICEMIRROR_USER's role)
    if args.json:
        print_json(frame.to_dict(orient="records"))
        return 0
    if frame.empty:
        print("No writes recorded yet.")
        return 0
    for r in frame.itertuples():
        library = f" [{r.library_key}]" if isinstance(r.library_key, str) else ""
        print(
            one_line(
                f"{r.audit_id:>5}  {str(r.done_at)[:19]}  {r.who} ({r.role})  {r.action}{library}: "
                f"{r.detail or ''}"
            )
        )
    return 0


def _read_password(from_stdin: bool) -> str:
    """One password: from standard input (scripts), or typed twice at a terminal (not echoed)."""
    import getpass

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError("not at a terminal: give --password-stdin, or --sso for single sign-on.")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise CommandError("the two passwords differ; nothing was changed.")
    return first


def _users_file(args) -> Path:
    return Path(args.users) if args.users else users.users_path()


def cmd_users_add(args) -> int:
    path = _users_file(args)
    if args.library:
        db_path = _db(args)
        if db.exists(db_path):
            with db.reading(db_path) as con:
                known = set(queries.run(con, "libraries_all")["library_key"])
            if args.library not in known:
                raise CommandError(
                    f"no library with key {args.library!r} in {db_path}; known: "
                    f"{', '.join(sorted(known)) or 'none yet'}."
                )
    password = None if args.sso else _read_password(args.password_stdin)
    with _one_line(users.UserError):
        user = _service(args).add_user(
            path,
            args.username,
            args.role,
            library_key=args.library,
            password=password,
            replace=args.replace,
        )
    how = "single sign-on" if user.password_hash is None else "a password (argon2)"
    of = f" of {user.library_key}" if user.library_key else ""
    return _report(
        args,
        {**_user_record(user), "file": str(path)},
        f"{user.username}: {user.role}{of}, signs in with {how}. Saved in {path}.",
    )


def _user_record(user) -> dict:
    """What the command line shows of a user: never the password hash."""
    return {
        "username": user.username,
        "role": user.role,
        "library_key": user.library_key,
        "sign_in": "password" if user.password_hash else "sso",
    }


def cmd_users_list(args) -> int:
    path = _users_file(args)
    with _one_line(users.UserError):
        rows = [_user_record(u) for u in _service(args).list_users(path)]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        print(f"{r['username']:<32} {r['role']:<8} {r['library_key'] or '':<16} {r['sign_in']}")
    print(f"{len(rows)} users in {path}.")
    return 0


def cmd_users_remove(args) -> int:
    path = _users_file(args)
    with _one_line(users.UserError):
        if not _service(args).remove_user(path, args.username):
            raise CommandError(f"no user {args.username!r} in {path}.")
    name = users.normalise(args.username)
    return _report(args, {"username": name, "file": str(path)}, f"{name} removed from {path}.")


def cmd_export(args) -> int:
    done = _backup(lambda svc: svc.export(Path(args.out)), args)
    return _report(
        args,
        _backup_record(done),
        f"Exported {len(done.rows)} tables ({done.total_rows} rows, data version "
        f"{done.data_version}) to {done.folder}: Parquet, csv/ for Excel, manifest.json.",
        "The folder holds all survey data and the hash salt: keep it as safe as the database.",
    )


def _backup(run, args):
    """``run(service)`` (an export or a restore); a backup's own refusal is the one-line error."""
    from servicemirror.app import backup

    with _one_line(backup.BackupError):
        return run(_service(args))


def _backup_record(done) -> dict:
    """What ``export`` and ``restore`` report with ``--json``: folder, database, rows per table."""
    return {
        "folder": str(done.folder),
        "db": str(done.db_path),
        "rows": done.rows,
        "total_rows": done.total_rows,
        "data_version": done.data_version,
    }


def cmd_restore(args) -> int:
    done = _backup(lambda svc: svc.restore(Path(args.folder)), args)
    return _report(
        args,
        _backup_record(done),
        f"Restored {len(done.rows)} tables ({done.total_rows} rows) from {done.folder} "
        f"into {done.db_path} (data version {done.data_version}).",
    )


def cmd_purge(args) -> int:
    from servicemirror.app import purge

    try:
        result = _service(args).purge(purge.parse_date(args.before), dry_run=args.dry_run)
    except purge.PurgeRefused as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        print_json(result.to_json())
        return 0
    verb = "would remove" if result.dry_run else "removed"
    counts = ", ".join(f"{n} {table}" for table, n in result.removed.items())
    print(f"Uploads loaded before {result.before}: {verb} {counts}.")
    if not result.dry_run:
        print(
            f"Data version is now {result.data_version}; {result.temp_removed} leftover temporary "
            "upload copies removed. Backups made with `export` still hold the old rows."
        )
    return 0


def add_commands(commands) -> None:
    """Add ``settings``, ``audit``, ``users``, ``export``, ``restore`` and ``purge`` to ``commands``."""
    p = _command(
        commands, "settings", "Show settings, or change one with --set KEY=VALUE.", cmd_settings
    )
    p.add_argument("--set", metavar="KEY=VALUE", help="change one setting")

    _command(
        commands,
        "audit",
        "Every recorded write: who, when, what, which library (admins only), newest first.",
        cmd_audit,
        json_help="print one JSON object per write",
    )

    p = _command(
        commands, "users", "Server-mode users: add, list or remove (local user file, argon2)."
    )
    p.add_argument("--users", metavar="FILE", help="user file (default: $SERVICEMIRROR_USERS)")
    actions = _actions(p)
    a = _command(
        actions,
        "add",
        "Add a user (a password, or --sso for single sign-on).",
        cmd_users_add,
        action_of=p,
    )
    a.add_argument(
        "username",
        metavar="USERNAME",
        help="user name, or the e-mail address single sign-on reports",
    )
    a.add_argument("--role", required=True, choices=users.ROLES, help="the user's role")
    a.add_argument("--library", metavar="KEY", help="the library a manager manages")
    a.add_argument("--sso", action="store_true", help="no password: signs in through st.login")
    a.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    a.add_argument("--replace", action="store_true", help="change an existing user")
    _command(
        actions,
        "list",
        "List users (never their password hashes).",
        cmd_users_list,
        action_of=p,
    )
    a = _command(
        actions,
        "remove",
        "Remove a user; their sessions end at the next click.",
        cmd_users_remove,
        action_of=p,
    )
    a.add_argument("username", metavar="USERNAME", help="the user to remove")

    p = _command(
        commands,
        "export",
        "Back up every table to a folder: Parquet, CSV for Excel, manifest with checksums.",
        cmd_export,
    )
    p.add_argument("--out", required=True, metavar="DIR", help="a new or empty folder")

    p = _command(
        commands, "restore", "Restore an `export` folder into a new, empty database.", cmd_restore
    )
    p.add_argument("folder", metavar="DIR", help="the folder `export` wrote")

    p = _command(
        commands,
        "purge",
        "Delete every upload loaded before DATE with all its rows (GDPR storage limitation).",
        cmd_purge,
    )
    p.add_argument("--before", required=True, metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("--dry-run", action="store_true", help="count only; delete nothing")
