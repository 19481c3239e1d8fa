"""Commands that read results: ``summary``, ``analyze``, ``report``, ``comments``."""

from __future__ import annotations

import math
from pathlib import Path

from servicemirror.cli.common import (
    CommandError,
    _command,
    _db,
    _report,
    _service,
    print_json,
)
from servicemirror.core import db
from servicemirror.privacy import publish


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


def add_commands(commands) -> None:
    """Add ``summary``, ``analyze``, ``report`` and ``comments`` to ``commands``."""
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
        commands,
        "report",
        "Write a self-contained HTML report for a forum meeting.",
        cmd_report,
        lang_help="language of the report",
    )
    p.add_argument("--out", required=True, metavar="FILE.html", help="where to write the report")

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
