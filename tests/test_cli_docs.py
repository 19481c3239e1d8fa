"""docs/cli.md and ``servicemirror --help`` say the same thing, both ways.

The test walks the argparse tree of :func:`servicemirror.cli.build_parser`: every command
(``## name``) and every action of one (``### name action``) has a section; its table names every
option and argument the parser has and nothing else, with the parser's choices and default; the
section opens with the parser's own description. Plain files and the parser: no database.
"""

from __future__ import annotations

import argparse
import re

import pytest
from test_docs import CLI_EXTRA_SECTIONS, CLI_MD, _subparsers  # docs/cli.md and the parser walk

from servicemirror import cli
from servicemirror.core import labels

# the one command that reports nothing: it runs the dashboard until stopped
NO_JSON = {"serve"}


def _tree() -> dict[str, tuple[argparse.ArgumentParser, argparse.ArgumentParser | None]]:
    """'users add' -> (its parser, the parser of `users`); a command -> (its parser, None)."""
    tree = {}
    for name, command in _subparsers(cli.build_parser()).items():
        tree[name] = (command, None)
        for action, nested in _subparsers(command).items():
            tree[f"{name} {action}"] = (nested, command)
    return tree


TREE = _tree()


def _shown(action: argparse.Action) -> str:
    """How docs/cli.md names an option or argument: ``--lang`` or ``PATH``."""
    if action.option_strings:
        return next(s for s in action.option_strings if s.startswith("--"))
    return action.metavar or action.dest.upper()


def _own(path: str) -> dict[str, argparse.Action]:
    """The options and arguments a section documents: an action's own ones (the shared ones it
    repeats from its command are documented with the command)."""
    parser, parent = TREE[path]
    shared = {_shown(a) for a in parent._actions} if parent else set()
    return {
        _shown(a): a
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)
        and _shown(a) not in shared
    }


def _sections() -> dict[str, str]:
    """'users add' -> body, for every ``##`` and ``###`` heading of docs/cli.md."""
    sections: dict[str, str] = {}
    name = None
    for line in CLI_MD.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"#{2,3} (.+)", line)
        if heading:
            name = heading.group(1).strip()
            sections[name] = ""
        elif name is not None:
            sections[name] += line + "\n"
    return sections


SECTIONS = _sections()


def _rows(body: str) -> dict[str, str]:
    """The option table of a section: the first word of each row's first cell -> the row."""
    rows = {}
    for line in body.splitlines():
        cell = re.match(r"\| `([^`]+)`", line)
        if cell:
            rows[cell.group(1).split()[0]] = line
    return rows


def test_every_command_and_action_has_a_section_and_nothing_else():
    documented = set(SECTIONS) - CLI_EXTRA_SECTIONS
    assert documented == set(TREE), (
        f"docs/cli.md sections differ from the parser: undocumented "
        f"{sorted(set(TREE) - documented)}, not in the parser {sorted(documented - set(TREE))}"
    )


@pytest.mark.parametrize("path", sorted(TREE))
def test_section_table_matches_the_parser(path):
    body = SECTIONS.get(path, "")
    rows = _rows(body)
    own = _own(path)
    assert set(rows) == set(own), (
        f"docs/cli.md, section {path}: the table names {sorted(rows)}, the parser has {sorted(own)}"
    )
    for shown, action in own.items():
        row = rows[shown]
        if action.choices:
            choices = "\\|".join(str(c) for c in action.choices)
            assert f"`{shown} {choices}`" in row, (
                f"docs/cli.md, section {path}: {shown} should read `{shown} {choices}`"
            )
        if action.default not in (None, False, argparse.SUPPRESS):
            assert f"default {action.default}" in row, (
                f"docs/cli.md, section {path}: {shown} should say 'default {action.default}'"
            )


@pytest.mark.parametrize("path", sorted(TREE))
def test_section_opens_with_the_help_text(path):
    parser, _ = TREE[path]
    opening = " ".join(SECTIONS.get(path, "").strip().split("\n\n")[0].split())
    said = parser.description.rstrip(".")
    assert opening.startswith(said), (
        f"docs/cli.md, section {path} should open with the --help text {said!r}, not {opening!r}"
    )


@pytest.mark.parametrize("path", sorted(p for p in TREE if not _subparsers(TREE[p][0])))
def test_every_runnable_command_has_an_example(path):
    parser, parent = TREE[path]
    body = SECTIONS.get(path, "")
    # an action named bare (`targets`) runs the default action: its example may stand above
    if parent is not None:
        body += SECTIONS.get(path.split()[0], "")
    examples = "\n".join(re.findall(r"^```\n(.*?)^```", body, re.M | re.S))
    assert re.search(rf"servicemirror {re.escape(path)}(?![\w-])", examples), (
        f"docs/cli.md, section {path}: no example line `servicemirror {path} ...`"
    )


def test_every_command_is_made_the_same_way():
    """Each command and action comes from cli._command: --db, --json except on serve, --lang
    with the label table's languages and Danish by default."""
    for path, (parser, parent) in TREE.items():
        options = {s: a for a in parser._actions for s in a.option_strings}
        assert parser.formatter_class is cli._HelpFormatter, f"{path} not made by _command"
        assert "--db" in options, f"servicemirror {path} has no --db"
        if path.split()[0] not in NO_JSON:
            assert "--json" in options, f"servicemirror {path} reports but has no --json"
        lang = options.get("--lang")
        if lang is not None:
            assert list(lang.choices) == list(labels.LANGUAGES)
            expected = argparse.SUPPRESS if parent is not None else labels.DEFAULT_LANGUAGE
            assert lang.default == expected, f"servicemirror {path} --lang default"


@pytest.mark.parametrize("path", sorted(TREE))
def test_help_states_each_default(path):
    parser, _ = TREE[path]
    text = " ".join(parser.format_help().split())
    for shown, action in _own(path).items():
        if action.default not in (None, False, argparse.SUPPRESS):
            assert f"(default {action.default})" in text, f"{path} --help: {shown} default"


def test_shared_options_work_before_and_after_the_action():
    parse = cli.build_parser().parse_args
    before = parse(["users", "--db", "a.duckdb", "--json", "list"])
    after = parse(["users", "list", "--db", "a.duckdb", "--json"])
    bare = parse(["users", "list"])
    assert (before.db, before.json) == (after.db, after.json) == ("a.duckdb", True)
    assert (bare.db, bare.json) == (None, False)
    # `targets` with no action lists
    assert parse(["targets"]).func is cli.cmd_targets_list
    with pytest.raises(SystemExit) as usage:
        parse(["users"])
    assert usage.value.code == 2


def test_actions_report_json(tmp_path, capsys, monkeypatch):
    """An action that changes something says what it did as JSON with --json (the same record
    its text line describes), before or after the action name."""
    import json

    monkeypatch.delenv("SERVICEMIRROR_MODE", raising=False)
    users_file = str(tmp_path / "users.json")
    add = ["users", "--users", users_file, "add", "f@x.dk", "--role", "forum", "--sso", "--json"]
    assert cli.main(add) == 0
    added = json.loads(capsys.readouterr().out)
    assert added == {
        "username": "f@x.dk",
        "role": "forum",
        "library_key": None,
        "sign_in": "sso",
        "file": users_file,
    }
    assert cli.main(["users", "--json", "--users", users_file, "list"]) == 0
    assert json.loads(capsys.readouterr().out) == [{k: v for k, v in added.items() if k != "file"}]
    assert cli.main(["users", "--users", users_file, "remove", "f@x.dk"]) == 0
    assert capsys.readouterr().out.strip() == f"f@x.dk removed from {users_file}."
    keys = ["forum-key", "list", "--json", "--db", str(tmp_path / "none.duckdb")]
    assert cli.main(keys) == 0
    assert json.loads(capsys.readouterr().out) == {"own_key": None, "libraries": []}
