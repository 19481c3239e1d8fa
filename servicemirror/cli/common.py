"""What every command shares: one-line errors, the database and access layer it works on,
JSON/text output, and ``_command``, the builder that gives each command its shared options."""

from __future__ import annotations

import argparse
import json
import math
import re
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from servicemirror import service
from servicemirror.core import config, db, labels
from servicemirror.etl.readers.base import ReadError
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
