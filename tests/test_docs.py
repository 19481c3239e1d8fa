"""Code and docs stay in step (the datasette / sqlite-utils ``test_docs.py`` habit).

Each test reads the code's own lists (the argparse parser, ``config.SETTINGS``, the reader
registry, the dashboard router) and fails when the docs leave something out, or still describe
something the code no longer has. No database, no Streamlit: plain files.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from servicemirror import cli
from servicemirror.core import config
from servicemirror.dashboard import i18n
from servicemirror.etl.registry import READERS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_MD = DOCS / "cli.md"
GUIDE = DOCS / "user-guide.md"
FORMATS_INDEX = DOCS / "formats" / "README.md"
# read by code, never meant for a user: the browser tests' pause hook
UNDOCUMENTED_ENV = {"SERVICEMIRROR_TEST_PAUSE"}
# headings of docs/cli.md that are not commands
CLI_EXTRA_SECTIONS = {"Environment / Miljø"}


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


COMMANDS = _subparsers(cli.build_parser())


def _sections(path: Path, level: str = "## ") -> dict[str, str]:
    """Heading text -> body, for one heading level of a markdown file."""
    sections: dict[str, str] = {}
    name = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(level):
            name = line[len(level) :].strip()
            sections[name] = ""
        elif name is not None:
            sections[name] += line + "\n"
    return sections


def _guide_halves() -> dict[str, str]:
    """The user guide's Danish and English halves (split at the ``# English`` heading)."""
    text = GUIDE.read_text(encoding="utf-8")
    danish, sep, english = text.partition("\n# English")
    assert sep, "docs/user-guide.md needs a '# English' heading after the Danish part"
    return {"da": danish, "en": english}


def _mentions_command(text: str, name: str) -> bool:
    # `servicemirror forum` must not be satisfied by `servicemirror forum-package`
    return re.search(rf"servicemirror {re.escape(name)}(?![\w-])", text) is not None


# ---------------------------------------------------------------- docs/cli.md


def test_every_command_has_help_text():
    for name, parser in COMMANDS.items():
        assert parser.description, f"servicemirror {name} has no help text"


# the commands, actions, options and defaults of docs/cli.md: tests/test_cli_docs.py


def test_environment_variables_are_documented():
    code = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("servicemirror", "etl", "analysis", "dashboard")
        for p in (ROOT / folder).rglob("*.py")
    )
    read = set(re.findall(r"SERVICEMIRROR_[A-Z_]+", code)) - UNDOCUMENTED_ENV
    env = _sections(CLI_MD)["Environment / Miljø"]
    for var in sorted(read):
        assert f"`{var}`" in env, f"docs/cli.md, Environment: {var} is not documented"


# ---------------------------------------------------------------- docs/user-guide.md


@pytest.mark.parametrize("lang", ["da", "en"])
def test_user_guide_mentions_every_setting(lang):
    half = _guide_halves()[lang]
    for setting in config.SETTINGS:
        assert f"`{setting.name}`" in half, (
            f"docs/user-guide.md ({lang}): setting {setting.name} is not mentioned"
        )


@pytest.mark.parametrize("lang", ["da", "en"])
def test_user_guide_mentions_every_command(lang):
    half = _guide_halves()[lang]
    for name in sorted(COMMANDS):
        assert _mentions_command(half, name), (
            f"docs/user-guide.md ({lang}): `servicemirror {name}` is not mentioned"
        )


def _routed_pages() -> dict[str, str]:
    """views file stem -> i18n key of its title, as dashboard/app.py routes them."""
    app = (ROOT / "dashboard" / "app.py").read_text(encoding="utf-8")
    return dict(re.findall(r'"views" / "(\w+)\.py"\),\s*title=i18n\.t\("(\w+)"', app))


def test_every_view_is_routed():
    views = {p.stem for p in (ROOT / "dashboard" / "views").glob("*.py") if p.stem != "__init__"}
    assert views == set(_routed_pages()), "dashboard/views and the router in app.py differ"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_user_guide_describes_every_page(lang):
    half = _guide_halves()[lang]
    for stem, key in sorted(_routed_pages().items()):
        title = i18n.t(key, lang)
        assert f"`views/{stem}.py`" in half, (
            f"docs/user-guide.md ({lang}): page file views/{stem}.py is not mentioned"
        )
        assert re.search(rf"^#+ .*{re.escape(title)}", half, re.M), (
            f"docs/user-guide.md ({lang}): no heading for the page {title!r}"
        )


# ---------------------------------------------------------------- docs/formats


def test_formats_index_lists_every_reader():
    text = FORMATS_INDEX.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(\w+)` \|", text, re.M))
    assert listed == set(READERS), (
        f"docs/formats/README.md readers differ from etl.registry.READERS: "
        f"missing {sorted(set(READERS) - listed)}, not a reader {sorted(listed - set(READERS))}"
    )


def test_formats_index_links_every_format_page():
    text = FORMATS_INDEX.read_text(encoding="utf-8")
    for page in sorted((DOCS / "formats").glob("*.md")):
        if page.name != "README.md":
            assert f"]({page.name})" in text, f"docs/formats/README.md does not link {page.name}"


# ---------------------------------------------------------------- links and README

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)
MARKDOWN = sorted([ROOT / "README.md", *DOCS.rglob("*.md"), ROOT / "data" / "demo" / "README.md"])


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_markdown_links_point_to_files_that_exist(page):
    text = FENCE.sub("", page.read_text(encoding="utf-8"))
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue  # a web address or an anchor in the same page
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{page.relative_to(ROOT)} links to {target}, which does not exist"


def test_readme_links_the_docs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in ("user-guide.md", "cli.md", "formats/README.md"):
        assert f"](docs/{doc})" in readme, f"README.md does not link docs/{doc}"
    # every page of the dashboard, photographed in Danish by bench/screenshots.py
    from test_browser import app_pages

    for name, _ in app_pages():
        shot = f"{name}.png"
        assert (ROOT / "docs" / "screenshots" / shot).exists(), f"no screenshot of {name}"
        assert f"](docs/screenshots/{shot})" in readme, f"README.md does not show {shot}"


def test_readme_commands_are_makefile_targets():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = _sections(ROOT / "README.md")["Two commands"]
    commands = re.findall(r"^make (\w+)", section, re.M)
    assert commands == ["run", "test"], f"README's two commands are {commands}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in commands:
        assert re.search(rf"^{target}:", makefile, re.M), f"Makefile has no target {target}"
    assert "make run" in readme and "make test" in readme


def test_docs_paths_named_in_code_exist():
    """Error messages and docstrings that send a user to ``docs/...`` name a file that exists."""
    for folder in ("servicemirror", "etl", "analysis", "dashboard"):
        for source in sorted((ROOT / folder).rglob("*.py")):
            text = source.read_text(encoding="utf-8")
            # a web address such as happyornot.github.io/docs/... is not ours
            for ref in re.findall(r"(?<![\w./])docs/[\w./-]*\w", text):
                assert (ROOT / ref).exists(), (
                    f"{source.relative_to(ROOT)} names {ref}, which does not exist"
                )
