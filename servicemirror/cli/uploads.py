"""Commands that put data in and take it out again: ``demo``, ``load``, ``uploads``, ``undo``."""

from __future__ import annotations

import sys
from pathlib import Path

from servicemirror import service
from servicemirror.cli.common import (
    CommandError,
    _command,
    _db,
    _report,
    _service,
    one_line,
    print_json,
)
from servicemirror.cli.progress import LoadProgress
from servicemirror.core import db, labels
from servicemirror.etl.readers.base import ReadError
from servicemirror.service import LoadRefused


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
                # the next file is read while this one is written (etl.load.load_file)
                read_next=Path(args.paths[number]) if number < total else None,
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


def add_commands(commands) -> None:
    """Add ``demo``, ``load``, ``uploads`` and ``undo`` to ``commands``."""
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
