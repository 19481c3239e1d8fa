"""Commands for service projects and their targets: ``project``, ``projects``, ``targets``."""

from __future__ import annotations

from pathlib import Path

from servicemirror import service
from servicemirror.cli.common import (
    CommandError,
    _actions,
    _command,
    _db,
    _report,
    _service,
    print_json,
)


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


def add_commands(commands) -> None:
    """Add ``project``, ``projects`` and ``targets`` to ``commands``."""
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
