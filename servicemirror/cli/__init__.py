"""The one command line: `servicemirror COMMAND [ACTION] ...` (docs/cli.md).

Each command (and each action of one, such as ``users add``) is made by ``_command`` with the
options all share (``--db``, ``--json``, ``--lang`` where a language matters, Danish by default),
calls the access layer (``service.Service``) and prints the result, as text or with ``--json`` as
JSON. Choice lists come from the code's own constants.
Errors are one line on stderr and exit code 1; usage errors exit 2; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from servicemirror import queries, service
from servicemirror.cli.progress import LoadProgress
from servicemirror.core import config, db, labels, safety
from servicemirror.etl.readers.base import ReadError
from servicemirror.privacy import publish, users
from servicemirror.service import LoadRefused

EXPECTED_ERRORS = (LoadRefused, ReadError, db.DatabaseError, FileNotFoundError, service.Refused)


class CommandError(Exception):
    """A problem a command reports in one line (exit 1)."""


def one_line(message) -> str:
    """The message on one line: a file name may carry a newline or control characters."""
    return re.sub(r"[\x00-\x1f\x7f]+", " ", str(message))


def _db(args) -> Path:
    return Path(args.db) if args.db else config.default_db_path()


def _service(args) -> service.Service:
    """The access layer for this command: the database and who runs the command
    (``service.cli_principal``: local admin, or ``$SERVICEMIRROR_USER`` in server mode)."""
    return service.Service(_db(args), service.cli_principal())


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def _clean(value):
    """NaN -> None recursively, so JSON output has null, never NaN."""
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def print_json(value) -> None:
    """``value`` as indented JSON on stdout (NaN as null, dates as ISO text)."""
    print(json.dumps(_clean(value), ensure_ascii=False, indent=2, default=_json_default))


def _report(args, record, *lines: str) -> int:
    """Say what a command did: ``record`` as JSON with ``--json``, else the lines of text."""
    if args.json:
        print_json(record)
    else:
        for line in lines:
            print(line)
    return 0


@contextmanager
def _one_line(*errors: type[Exception]):
    """A module's own refusals (``errors``) become the command's one-line error."""
    try:
        yield
    except errors as exc:
        raise CommandError(str(exc)) from None


# --------------------------------------------------------------------------- commands


def cmd_demo(args) -> int:
    from servicemirror.app import demo

    db_path = _db(args)
    if db.exists(db_path) and not args.force:
        raise CommandError(
            f"{db_path}: a database already exists; use --force to rebuild the demo there."
        )
    if args.force:
        for suffix in ("", ".wal", ".version"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    files = demo.build_demo(db_path, seed=args.seed)
    return _report(
        args,
        {"db": str(db_path), "files": len(files.paths), "seed": args.seed},
        f"Demo database built at {db_path} from {len(files.paths)} files (seed {args.seed}).",
    )


def cmd_load(args) -> int:
    svc = _service(args)
    reports, failed = [], False
    total = len(args.paths)
    column_mapping = _mapping_file(args)
    # the bar goes to stderr; with --json it is left out so scripts get clean output
    bar = None if args.json else LoadProgress(total, lang=args.lang)
    for number, path in enumerate(args.paths, start=1):
        try:
            report = svc.load_file(
                Path(path),
                respondent_type=args.as_type,
                library=args.library,
                period=args.period,
                format=args.format,
                dry_run=args.dry_run,
                mapping=column_mapping,
                progress=bar.for_file(number, Path(path).name) if bar else None,
                lang=args.lang,
            ).to_json()
            if args.save_profile and report["status"] == "loaded":
                _save_profile(svc, args.save_profile, column_mapping, path, args)
        except (LoadRefused, ReadError) as exc:
            if bar:
                bar.refused(number, Path(path).name)
            failed = True
            report = {
                "file": Path(path).name,
                "upload_id": None,
                "status": "refused",
                "message": labels.say(exc, args.lang),
                "records": 0,
                "valid_responses": 0,
                "rejected": [],
                "libraries": {},
                "items": [],
                "warnings": [],
            }
            print(one_line(labels.say(exc, args.lang)), file=sys.stderr)
        reports.append(report)
        if not args.json and report["status"] != "refused":
            _print_load_report(report, args.lang)
    if args.json:
        print_json(reports)
    return 1 if failed else 0


def _mapping_file(args) -> dict | None:
    """The mapping of ``--mapping FILE.json`` (None without it); a bad file stops the command."""
    from servicemirror.etl.mapping import read_mapping

    if args.save_profile and not args.mapping:
        raise SystemExit("--save-profile needs --mapping FILE.json (the mapping to save).")
    if not args.mapping:
        return None
    try:
        return read_mapping(Path(args.mapping).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        message = labels.say(exc, args.lang)
        raise SystemExit(f"--mapping {args.mapping}: {one_line(message)}") from None


def _save_profile(svc: service.Service, name: str, column_mapping: dict, path, args) -> None:
    """Save ``--mapping`` as profile ``name`` under the headers the reader saw in ``path``."""
    seen = svc.interpret(Path(path), format=args.format, mapping=column_mapping)
    if not seen.get("headers"):
        print(
            f"{Path(path).name}: not a one-row-per-respondent export; no profile saved.",
            file=sys.stderr,
        )
        return
    svc.save_mapping_profile(name, {**column_mapping, "format": seen["format"]}, seen["headers"])
    print(f"mapping profile '{name}' saved for exports like {Path(path).name}", file=sys.stderr)


def _print_load_report(report: dict, lang: str = "en") -> None:
    status = {
        "loaded": f"loaded as upload {report['upload_id']}",
        "dry_run": "checked (dry run, nothing written)",
        "duplicate": report.get("message") or "already loaded",
    }[report["status"]]
    print(f"{report['file']}: {status}")
    print(
        f"  format {report['format']}, {report['respondent_type']}, {report['records']} records, "
        f"{report['valid_responses']} valid responses, {len(report['rejected'])} rejected"
    )
    for name, n in report["libraries"].items():
        print(f"  {name}: {n}")
    # the reasons come in ``lang`` from the loader; the row and column words follow them
    for problem in report["rejected"][:20]:
        where = [labels.t("load_where_row", lang, row=problem["row"])] if problem["row"] else []
        if problem.get("column"):
            where.append(labels.t("load_where_column", lang, column=problem["column"]))
        print(f"  {labels.t('load_rejected', lang)} {', '.join(where)}: {problem['reason']}")
    if len(report["rejected"]) > 20:
        print(f"  ... and {len(report['rejected']) - 20} more rejected rows (see --json)")
    for warning in report["warnings"]:
        print(f"  {labels.t('load_note', lang)}: {warning}")


def cmd_uploads(args) -> int:
    db.require(_db(args))
    frame = _service(args).upload_history()  # a manager: the own library's uploads only
    if args.json:
        print_json(frame.to_dict(orient="records"))
        return 0
    if frame.empty:
        print("No uploads yet.")
        return 0
    for row in frame.itertuples():
        print(
            f"{row.upload_id:>5}  {row.status:<7} {str(row.loaded_at)[:19]}  {row.file_name}  "
            f"({row.format}, {row.respondent_type}, {row.rows_loaded} loaded, {row.rows_rejected} rejected)"
        )
    return 0


def cmd_undo(args) -> int:
    outcome = _service(args).undo(args.upload_id)
    if outcome.status != "undone":
        raise CommandError(outcome.message)
    result = outcome.report
    return _report(
        args,
        result,
        f"Upload {result['upload_id']} ({result['file_name']}) undone: "
        f"{result['rows_removed']} rows removed.",
    )


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


def cmd_summary(args) -> int:
    svc = _service(args)
    pub = publish.published(_db(args))
    frame = publish.summary(pub)
    # names as this user may see them: an admin all, a manager the own and consenting ones
    frame["library"] = frame["library_key"].map(svc.names("en", show_names=True))
    # ordered by the shown name: an order by real name would hint who is behind a pseudonym
    frame = frame.sort_values(["library", "period"], kind="stable").reset_index(drop=True)
    records = frame.drop(columns=["library_key"]).to_dict(orient="records")
    if args.json:
        print_json(records)
        return 0
    print(
        f"{'library':<28} {'period':<8} {'n staff':>7} {'staff':>6} {'eNPS':>6} {'n patr':>7} {'patron':>7} {'NPS':>6}"
    )
    for r in frame.itertuples():

        def fmt(x, digits=1):
            return (
                "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"
            )

        line = (
            f"{r.library[:28]:<28} {r.period:<8} {r.n_staff:>7} {fmt(r.staff_index):>6} {fmt(r.enps, 0):>6} "
            f"{r.n_patron:>7} {fmt(r.patron_index):>7} {fmt(r.nps, 0):>6}"
        )
        if isinstance(r.suppressed_reason, str):
            line += f"  ({r.suppressed_reason})"
        print(line)
    print(f"Staff figures are hidden for groups of fewer than {pub.k} respondents.")
    return 0


def cmd_analyze(args) -> int:
    from servicemirror.app import hypothesis

    db_path = _db(args)
    result = hypothesis.analyze(db_path, touchpoint=args.touchpoint)
    import pandas as pd

    names = _service(args).names(args.lang, show_names=True)
    shown = pd.DataFrame({"library_key": list(names), "display_name": list(names.values())})
    result = hypothesis.with_display_names(result, shown)
    if args.json:
        print_json(result)
        return 0
    _print_analysis(result, args.lang)
    return 0


def _fmt(x, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:.{digits}f}"


def _print_analysis(r: dict, lang: str) -> None:
    print(r["verdict"][lang])
    print()
    lib = r["library_level"]
    ml = r["multilevel"]
    print(
        f"Libraries {r['libraries']}, periods {r['periods']}, staff responses {r['staff_responses']}, patron responses {r['patron_responses']}"
    )
    print(
        f"PRIMARY  library-level Pearson r = {_fmt(lib['pearson_r'])} "
        f"(95% CI {_fmt(lib['ci_low'])} to {_fmt(lib['ci_high'])}), permutation p = {_fmt(lib['p_permutation'], 3)}, "
        f"Spearman rho = {_fmt(lib['spearman_rho'])}"
    )
    print(
        f"         multilevel slope = {_fmt(ml['slope'], 3)} patron points per staff point "
        f"(95% CI {_fmt(ml['ci_low'], 3)} to {_fmt(ml['ci_high'], 3)}), t({ml['df']}) = {_fmt(ml['t'])}, p = {_fmt(ml['p'], 3)}, "
        f"{'converged' if ml['converged'] else 'NOT converged'} ({ml['optimizer']})"
    )
    wb = r["within_between"]
    if wb:
        print(
            f"SECONDARY within-library slope = {_fmt(wb['beta_within'], 3)} "
            f"(95% CI {_fmt(wb['ci_within_low'], 3)} to {_fmt(wb['ci_within_high'], 3)}), "
            f"between = {_fmt(wb['beta_between'], 3)}"
        )
    else:
        print(
            f"SECONDARY within-library slope: not available ({r['reasons'].get('within_between')})"
        )
    pw = r["power"]
    print(
        f"Power at J = {r['libraries']}: r = .3 -> {_fmt(pw.get('power_r_0_3'))}; minimum detectable r (80%) = "
        f"{_fmt(pw.get('min_detectable_r_80'))}; libraries needed for r = .3: {pw.get('libraries_needed_r_0_3')}"
    )
    for e in r["excluded"]:
        print(f"left out: {e['library']}: {e['reason']}")
    for e in r["excluded_periods"]:
        print(f"periods left out: {e['library']}: {e['reason']}")
    print("Association, not causation.")


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


def cmd_report(args) -> int:
    from servicemirror.app import hypothesis

    db_path = _db(args)
    db.require(db_path)
    # the report shows libraries as this user sees them (names switched off: a report is made
    # for a meeting); the pseudonym letters are drawn afresh for each run of the command
    html = _service(args).report_html(args.lang, hypothesis.result(db_path))
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"{args.out}: cannot write the report ({exc.strerror}).") from None
    return _report(
        args, {"file": str(out), "lang": args.lang}, f"Report ({args.lang}) written to {out}."
    )


def cmd_export(args) -> int:
    from servicemirror.app import backup

    try:
        done = _service(args).export(Path(args.out))
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None
    return _report(
        args,
        _backup_record(done),
        f"Exported {len(done.rows)} tables ({done.total_rows} rows, data version "
        f"{done.data_version}) to {done.folder}: Parquet, csv/ for Excel, manifest.json.",
        "The folder holds all survey data and the hash salt: keep it as safe as the database.",
    )


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
    from servicemirror.app import backup

    try:
        done = _service(args).restore(Path(args.folder))
    except backup.BackupError as exc:
        raise CommandError(str(exc)) from None
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


def _loopback(address: str) -> bool:
    """Whether ``address`` is reachable only from this machine (localhost, 127.x, ::1)."""
    import ipaddress

    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name or interface address: the network can reach it


def cmd_serve(args) -> int:
    from servicemirror.privacy import access

    db_path = _db(args)
    if access.mode() == "local" and not _loopback(args.address):
        raise CommandError(
            f"--address {args.address}: local mode has no sign-in (everyone is admin), so it "
            f"serves only this machine; to serve the network use server mode with users "
            f"({access.MODE_ENV}=server, `servicemirror users add`)."
        )
    db.require(db_path)
    app = Path(__file__).resolve().parent / "dashboard" / "app.py"
    if not app.is_file():  # editable install: the dashboard folder sits at the project root
        app = config.PROJECT_ROOT / "dashboard" / "app.py"
    env = dict(os.environ, SERVICEMIRROR_DB=str(db_path.resolve()))
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless=true",
        f"--server.port={args.port}",
        f"--server.address={args.address}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]
    print(
        f"Serving Service Mirror on http://localhost:{args.port} (database {db_path}). Ctrl+C stops it."
    )
    # run from the dashboard folder so Streamlit reads dashboard/.streamlit/config.toml (theme with
    # AA contrast, minimal toolbar); the database path is absolute, so the folder does not matter
    return subprocess.call(command, env=env, cwd=app.parent)


def cmd_project_add(args) -> int:
    project_id = _service(args).add_project(
        library=args.library,
        touchpoint=args.touchpoint,
        title=args.title,
        start=args.start,
        description=args.description,
        end=args.end,
        owner=args.owner,
        expected_effect=args.expected_effect,
        status=args.status,
        notes=args.notes,
    )
    return _report(
        args,
        {
            "project_id": project_id,
            "title": args.title,
            "library": args.library,
            "touchpoint": args.touchpoint,
            "start": args.start,
        },
        f"Project {project_id} recorded: {args.title} ({args.library}, {args.touchpoint}, "
        f"from {args.start}).",
    )


def cmd_projects(args) -> int:
    from servicemirror.app import service_projects

    records = service_projects.projects_json(_db(args), _service(args).names("en", show_names=True))
    if args.json:
        print_json(records)
        return 0
    if not records:
        print("No projects yet. Add one with `servicemirror project add`.")
        return 0
    for r in records:
        if r["effect"] is None:
            what = f"no estimate: {r['reason']}"
        else:
            what = (
                f"effect {r['effect']:+.1f} points (95% CI {r['ci_low']:.1f} to {r['ci_high']:.1f}), "
                f"placebo p = {r['p']:.2f}, {r['periods_before']} periods before / {r['periods_after']} after, "
                f"{r['comparison_libraries']} comparison libraries"
            )
        print(
            f"{r['id']:>3}  {r['library']} · {r['touchpoint']} · {r['title']} (from {r['start']})"
        )
        print(f"     {what}")
    print(
        "Effects are patron-index points (0-100) against the other libraries; see docs/projects.md."
    )
    return 0


def cmd_targets_load(args) -> int:
    from servicemirror.etl.readers import targets as targets_reader

    if not args.file:
        raise CommandError(
            "targets load needs a FILE (a CSV with library, touchpoint, measure, target)."
        )
    rows = _service(args).set_targets(targets_reader.read(Path(args.file)))
    return _report(
        args,
        {"file": Path(args.file).name, "targets": rows},
        f"{len(rows)} targets set from {Path(args.file).name}.",
    )


def cmd_targets_list(args) -> int:
    from servicemirror.app import service_projects

    svc = _service(args)
    frame = service_projects.targets(_db(args))
    latest = service_projects.tgt.latest_status(frame)
    if not latest.empty:
        latest["library"] = latest["library_key"].map(svc.names("en", show_names=True))
    if args.json:
        print_json(latest.to_dict(orient="records"))
        return 0
    if latest.empty:
        print("No targets yet. Load a service declaration with `servicemirror targets load FILE`.")
        return 0
    for r in latest.itertuples():
        tp = r.touchpoint or "overall"
        measured = (
            "no data"
            if r.period is None
            else (
                f"{r.period}: {r.value:.1f} (95% CI {r.ci_low:.1f} to {r.ci_high:.1f}), gap {r.gap:+.1f}"
            )
        )
        print(
            f"{r.library} · {tp} · {r.measure} target {r.target_value:g}: {measured} -> {r.status}"
        )
    return 0


def cmd_comments(args) -> int:
    from servicemirror.app import comments

    db_path = _db(args)
    svc = _service(args)
    if args.load_themes:
        n = svc.load_theme_dictionary(Path(args.load_themes))
        return _report(
            args,
            {"file": Path(args.load_themes).name, "retagged": n},
            f"Theme dictionary loaded from {Path(args.load_themes).name}; {n} comments re-tagged.",
        )
    if args.reset_themes:
        n = svc.reset_theme_dictionary()
        return _report(
            args,
            {"file": None, "retagged": n},
            f"Back to the shipped theme dictionary; {n} comments re-tagged.",
        )
    if args.themes:
        with db.reading(db_path) as con:
            frame = comments.dictionary_in_use(con)
        if args.json:
            print_json(frame.to_dict(orient="records"))
        else:
            for theme, part in frame.groupby("theme", sort=False):
                for lang, terms in part.groupby("lang"):
                    print(f"{theme} [{lang}]: {', '.join(terms['term'])}")
        return 0
    rows = svc.comment_theme_rows(args.library or "", args.period or "")
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No comment themes to show (no comments, or every group is below k_comments).")
        return 0
    for r in rows:
        print(
            f"{r['library']} · {r['period']} · {r['theme']}: {r['n_comments']} comments "
            f"({r['share']:.0%}), tone +{r['positive']} ={r['neutral']} -{r['negative']}"
        )
    return 0


# --------------------------------------------------------------------------- parser

DB_HELP = "database file (default: $SERVICEMIRROR_DB or data/servicemirror.duckdb)"


class _HelpFormatter(argparse.HelpFormatter):
    """``--help`` states every option's default as the parser holds it, so the default a user
    reads is never a copy that can drift (docs/cli.md is checked against the same parser)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.default not in (None, False, argparse.SUPPRESS) and "%(default)" not in text:
            text += " (default %(default)s)"
        return text


def _command(
    group,
    name: str,
    help: str,
    func: Callable | None = None,
    *,
    json_help: str | None = "print JSON instead of text",
    lang_help: str | None = None,
    action_of: argparse.ArgumentParser | None = None,
) -> argparse.ArgumentParser:
    """Add one command (or, with ``action_of``, one action of a command such as ``users add``)
    with the options every command shares: ``--db``; ``--json`` unless ``json_help`` is None
    (only ``serve`` reports nothing); ``--lang`` when ``lang_help`` says what it changes.

    An action repeats its command's shared options so they may follow the action
    (``users add X --db F``); their default there is SUPPRESS, so a value given before the action
    (``users --db F add X``) is not blanked by the action's default."""
    nested = action_of is not None
    p = group.add_parser(name, help=help, description=help, formatter_class=_HelpFormatter)
    p.add_argument("--db", default=argparse.SUPPRESS if nested else None, help=DB_HELP)
    if json_help is not None:
        p.add_argument(
            "--json",
            action="store_true",
            default=argparse.SUPPRESS if nested else False,
            help=json_help,
        )
    if lang_help is not None:
        p.add_argument(
            "--lang",
            choices=list(labels.LANGUAGES),
            default=argparse.SUPPRESS if nested else labels.DEFAULT_LANGUAGE,
            help=lang_help,
        )
    if func is not None:
        p.set_defaults(func=func)
    return p


def _actions(command: argparse.ArgumentParser, default: Callable | None = None):
    """The actions of ``command`` (``users add|list|remove``); with ``default``, the action run
    when none is named (``targets`` lists)."""
    if default is not None:
        command.set_defaults(func=default)
    return command.add_subparsers(dest="action", required=default is None, metavar="ACTION")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command and action is made by :func:`_command`."""
    parser = argparse.ArgumentParser(
        prog="servicemirror",
        description="Service Mirror: do happier library staff go with more satisfied citizens?",
        formatter_class=_HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = _command(
        commands,
        "demo",
        "Build the demo database: 15 libraries, 6 years, known true effects.",
        cmd_demo,
    )
    p.add_argument("--seed", type=int, default=2011, help="random seed")
    p.add_argument("--force", action="store_true", help="replace an existing database at --db")

    p = _command(
        commands,
        "load",
        "Load survey exports (CSV, Excel, SurveyXact zip, forum packages) into the database.",
        cmd_load,
        json_help="print one JSON object per file (no progress bar on stderr)",
        lang_help="language of a refusal line",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="files to load")
    p.add_argument(
        "--as",
        dest="as_type",
        choices=service.RESPONDENT_TYPES,
        help="respondent type when the file does not say",
    )
    p.add_argument("--library", help="load every row for this library")
    p.add_argument("--period", help="period label for every row (e.g. 2024)")
    p.add_argument("--format", help="reader to use instead of detection")
    p.add_argument(
        "--mapping",
        metavar="FILE.json",
        help="column mapping to use (roles, items, scales; docs/mapping.md)",
    )
    p.add_argument(
        "--save-profile",
        metavar="NAME",
        help="after a load, save --mapping as a profile: the next export with the same headers "
        "is read with it",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="interpret and validate only; write nothing"
    )

    _command(commands, "uploads", "List uploads, newest first.", cmd_uploads)

    p = _command(
        commands, "undo", "Remove one upload completely (restores what it replaced).", cmd_undo
    )
    p.add_argument("upload_id", type=int, metavar="UPLOAD_ID", help="the id `uploads` shows")

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

    _command(
        commands,
        "summary",
        "Staff and patron indices per library and period (anonymity applied).",
        cmd_summary,
    )

    p = _command(
        commands,
        "analyze",
        "Test the hypothesis: library-level r, multilevel model, within/between, lags, power.",
        cmd_analyze,
        json_help="print one JSON object",
        lang_help="language of the verdict in text output",
    )
    p.add_argument(
        "--touchpoint",
        help="patron touchpoint for the primary analysis (default: overall satisfaction)",
    )

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
        "report",
        "Write a self-contained HTML report for a forum meeting.",
        cmd_report,
        lang_help="language of the report",
    )
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the report")

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

    p = _command(commands, "project", "Record a service project.")
    actions = _actions(p)
    a = _command(actions, "add", "Record a new service project.", cmd_project_add, action_of=p)
    a.add_argument("--library", required=True, help="library key, name or alias")
    a.add_argument("--touchpoint", required=True, help="e.g. counter, self_service, 'Bogen Kommer'")
    a.add_argument("--start", required=True, metavar="DATE", help="start date, YYYY-MM-DD")
    a.add_argument("--title", required=True, metavar="TEXT", help="the project's title")
    a.add_argument("--description", metavar="TEXT", help="what the project does")
    a.add_argument("--end", metavar="DATE", help="end date, if any")
    a.add_argument("--owner", metavar="NAME", help="who runs it")
    a.add_argument(
        "--expected-effect", dest="expected_effect", metavar="TEXT", help="what it should change"
    )
    a.add_argument(
        "--status",
        default="active",
        choices=service.PROJECT_STATUSES,
        help="where the project stands",
    )
    a.add_argument("--notes", metavar="TEXT", help="notes from the forum meetings")

    _command(
        commands,
        "projects",
        "Service projects and what they did (difference-in-differences).",
        cmd_projects,
        json_help="one JSON object per project",
    )

    p = _command(
        commands,
        "targets",
        "Service-declaration targets: list them with their gaps, or load a CSV.",
    )
    actions = _actions(p, default=cmd_targets_list)
    _command(
        actions,
        "list",
        "List the targets with their latest value and gap (the default).",
        cmd_targets_list,
        action_of=p,
    )
    a = _command(actions, "load", "Load a targets CSV.", cmd_targets_load, action_of=p)
    # optional here so a missing FILE is the one-line error (exit 1) it has always been
    a.add_argument("file", nargs="?", metavar="FILE", help="the targets CSV")

    p = _command(
        commands,
        "comments",
        "Themes and tone of patron comments per library and period (counts, never text).",
        cmd_comments,
        json_help="a JSON array, one object per theme",
    )
    p.add_argument("--library", help="only this library (key, name or alias)")
    p.add_argument("--period", help="only this period, e.g. 2024")
    p.add_argument("--themes", action="store_true", help="list the theme dictionary in use")
    p.add_argument(
        "--load-themes",
        dest="load_themes",
        metavar="FILE",
        help="use this theme dictionary (CSV: theme, lang, term) and re-tag every comment",
    )
    p.add_argument(
        "--reset-themes",
        dest="reset_themes",
        action="store_true",
        help="go back to the shipped theme dictionary and re-tag every comment",
    )

    p = _command(commands, "serve", "Serve the dashboard.", cmd_serve, json_help=None)
    p.add_argument("--port", type=int, default=8501, help="port")
    p.add_argument("--address", default="localhost", help="address to listen on")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # one output path: whatever a command prints (names, comments, errors) reaches the terminal
    # without control characters
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = safety.TerminalSafe(out), safety.TerminalSafe(err)
    try:
        return _run(args)
    finally:
        sys.stdout, sys.stderr = out, err


def _run(args) -> int:
    """Run the parsed command; every expected failure becomes one line on stderr."""
    try:
        return int(args.func(args) or 0)
    except (CommandError, *EXPECTED_ERRORS) as exc:
        message = labels.say(exc, getattr(args, "lang", "en"))
        print(one_line(f"servicemirror {args.command}: {message}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (e.g. `| head`): nothing to report
        sys.stderr.close()
        return 0
    except Exception as exc:  # noqa: BLE001 - the CLI promises one line, never a traceback
        if os.environ.get("SERVICEMIRROR_DEBUG"):
            raise
        print(
            f"servicemirror {args.command}: internal error ({type(exc).__name__}: {exc}). "
            "Nothing was changed if a load was running. Set SERVICEMIRROR_DEBUG=1 for details and report it.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
