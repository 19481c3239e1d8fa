"""The one command line: `servicemirror COMMAND [ACTION] ...` (docs/cli.md).

Each command (and each action of one, such as ``users add``) is made by ``_command`` with the
options all share (``--db``, ``--json``, ``--lang`` where a language matters, Danish by default),
calls the access layer (``service.Service``) and prints the result, as text or with ``--json`` as
JSON. Choice lists come from the code's own constants.

The commands live in modules by what they touch: ``uploads`` (demo, load, uploads, undo),
``forum`` (forum-package, forum, forum-key), ``analysis`` (summary, analyze, report, comments),
``admin`` (settings, audit, users, export, restore, purge), ``projects`` (project, projects,
targets) and ``serve``; ``common`` holds what they share. Each module adds its commands to the
parser with ``add_commands``.
Errors are one line on stderr and exit code 1; usage errors exit 2; never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess  # noqa: F401 - ``cli.subprocess`` is where tests stop ``serve`` starting streamlit
import sys

from servicemirror.cli import admin, analysis, forum, projects, serve, uploads
from servicemirror.cli.admin import (  # noqa: F401 - the commands, by their old names
    cmd_audit,
    cmd_export,
    cmd_purge,
    cmd_restore,
    cmd_settings,
    cmd_users_add,
    cmd_users_list,
    cmd_users_remove,
)
from servicemirror.cli.analysis import cmd_analyze, cmd_comments, cmd_report, cmd_summary  # noqa: F401
from servicemirror.cli.common import (  # noqa: F401 - shared by every command
    EXPECTED_ERRORS,
    CommandError,
    _command,
    _HelpFormatter,
    one_line,
    print_json,
)
from servicemirror.cli.forum import (  # noqa: F401
    cmd_forum,
    cmd_forum_key_export,
    cmd_forum_key_list,
    cmd_forum_key_register,
    cmd_forum_key_replace,
    cmd_forum_key_rotate,
    cmd_forum_package,
)
from servicemirror.cli.projects import (  # noqa: F401
    cmd_project_add,
    cmd_projects,
    cmd_targets_list,
    cmd_targets_load,
)
from servicemirror.cli.serve import cmd_serve  # noqa: F401
from servicemirror.cli.uploads import cmd_demo, cmd_load, cmd_undo, cmd_uploads  # noqa: F401
from servicemirror.core import labels, safety


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: every command and action is made by :func:`_command`."""
    parser = argparse.ArgumentParser(
        prog="servicemirror",
        description="Service Mirror: do happier library staff go with more satisfied citizens?",
        formatter_class=_HelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for group in (uploads, forum, analysis, admin, projects, serve):
        group.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` (default: the process arguments), run the command, return its exit code."""
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
