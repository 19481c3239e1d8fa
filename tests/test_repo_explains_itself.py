"""The repository explains itself: every document it names is in it.

A comment, docstring or page that sends the reader to a ``.md`` file must name one that is in the
repository (``docs/statistics.md §7``, ``docs/architecture.md``, ...), never a design note kept
elsewhere; no comment speaks of how the code was written (issue numbers, sessions, engineers)
instead of what it does; and docs/vocabulary.md names every code the label table has.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from servicemirror.core import labels
from servicemirror.etl import vocab

ROOT = Path(__file__).resolve().parent.parent
# design notes that lived outside the repository; the names are put together here so this file
# does not name them itself
OUTSIDE_NOTES = [
    stem + ".md"
    for stem in (
        "STATISTICS",
        "ARCHITECTURE",
        "STACK",
        "VOCABULARY-DA",
        "CONTEXT",
        "STYLE",
        "LANDSCAPE",
    )
]
# .md files a test or a benchmark writes while it runs (file, name): not in the repository
WRITTEN_AT_RUN_TIME = {
    ("bench/demo_coverage.py", "/tmp/demo-coverage.md"),
}
TEXT_SUFFIXES = {".py", ".md", ".sql", ".toml", ".cfg", ".ini", ".txt", ".yml", ".yaml", ""}
SKIP_DIRS = {".git", ".venv", ".tools", "build", "__pycache__", "node_modules"}
MD_NAME = re.compile(r"(?<![\w/.-])(/?(?:\.{1,2}/)?[\w./-]*\w\.md)\b")
URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+|(?:github\.com|\w+\.github\.io)/\S+")
HOW_IT_WAS_WRITTEN = re.compile(
    r"\bissues? \d+\b|\bengineers?\b|\b(?:last|this|previous) session\b(?!'s)", re.I
)


def _tracked() -> list[str]:
    """The repository's files (git's list; without git, the tree minus tool folders)."""
    try:
        done = subprocess.run(
            ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
        )
        names = done.stdout.split()
    except (OSError, subprocess.CalledProcessError):
        names = [
            str(p.relative_to(ROOT))
            for p in ROOT.rglob("*")
            if p.is_file() and not SKIP_DIRS & set(p.relative_to(ROOT).parts)
        ]
    return sorted(n for n in names if Path(n).suffix in TEXT_SUFFIXES and (ROOT / n).is_file())


TRACKED = _tracked()
# this file plants what the checks look for (test_the_checks_catch_what_they_are_for)
SELF = "tests/test_repo_explains_itself.py"


def _text(name: str) -> str:
    try:
        return (ROOT / name).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def _resolves(name: str, ref: str, basenames: set[str]) -> bool:
    """Whether ``ref``, named in file ``name``, is a file of the repository: from the root, from
    the file's folder, from docs/, or (a bare name such as ``cli.md`` in a test) by its base name."""
    bases = (ROOT, (ROOT / name).parent, ROOT / "docs")
    if any((base / ref).is_file() for base in bases):
        return True
    return "/" not in ref and ref in basenames


def test_no_file_names_a_design_note_outside_the_repository():
    found = [
        f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for name in TRACKED
        for text in [_text(name)]
        for m in re.finditer("|".join(map(re.escape, OUTSIDE_NOTES)), text)
    ]
    assert not found, "these name a note that is not in the repository:\n" + "\n".join(found)


def test_every_md_file_named_is_in_the_repository():
    basenames = {Path(n).name for n in TRACKED}
    missing = []
    for name in TRACKED:
        if name == SELF:
            continue
        text = URL.sub(" ", _text(name))
        for m in MD_NAME.finditer(text):
            ref = m.group(1)
            if (name, ref) in WRITTEN_AT_RUN_TIME or _resolves(name, ref, basenames):
                continue
            missing.append(f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {ref}")
    assert not missing, "these name a .md file the repository lacks:\n" + "\n".join(missing)


def test_no_comment_speaks_of_how_the_code_was_written():
    found = [
        f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
        for name in TRACKED
        if name != SELF
        for text in [_text(name)]
        for m in HOW_IT_WAS_WRITTEN.finditer(text)
    ]
    assert not found, "say what the code does, not how it was written:\n" + "\n".join(found)


def test_the_checks_catch_what_they_are_for():
    """The patterns above find a planted design note, a missing page and an issue number."""
    planted = f"see {OUTSIDE_NOTES[0]} §2 and docs/nowhere.md (issue 4)"
    assert re.search("|".join(map(re.escape, OUTSIDE_NOTES)), planted)
    refs = [m.group(1) for m in MD_NAME.finditer(planted)]
    assert "docs/nowhere.md" in refs
    assert not _resolves("servicemirror/cli/__init__.py", "docs/nowhere.md", set())
    assert _resolves("docs/cli.md", "forum.md", set())  # a link beside the page
    assert HOW_IT_WAS_WRITTEN.search(planted)
    assert not HOW_IT_WAS_WRITTEN.search("then this session's choice")  # a browser session


def test_vocabulary_page_names_every_code():
    page = (ROOT / "docs" / "vocabulary.md").read_text(encoding="utf-8")
    tables = {
        "services": labels.TOUCHPOINTS,
        "constructs": labels.CONSTRUCTS,
        "segments": labels.SEGMENT_DIMENSIONS,
        "label sets": vocab.LIKERT_SETS,
    }
    for kind, table in tables.items():
        for code in table:
            assert f"| `{code}` |" in page, f"docs/vocabulary.md: {kind} code {code} is missing"


ARCHITECTURE = ROOT / "docs" / "architecture.md"
CODE_FOLDERS = ("servicemirror", "etl", "analysis", "dashboard")


def test_architecture_names_only_paths_that_exist():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for ref in re.findall(r"`((?:servicemirror|etl|analysis|dashboard|queries)/[^`\s]+)`", text):
        if "<" in ref:
            continue  # a pattern such as etl/readers/<format>.py
        assert list(ROOT.glob(ref)), f"docs/architecture.md names {ref}, which does not exist"


def test_architecture_places_every_module():
    """Every module of the layers appears in docs/architecture.md, by path or by file name in its
    folder's table, so a new or moved module is written into the architecture too."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    for folder in CODE_FOLDERS:
        for module in sorted((ROOT / folder).glob("*.py")):
            if module.name == "__init__.py":
                continue
            path = str(module.relative_to(ROOT))
            assert path in text or f"`{module.name}`" in text, (
                f"docs/architecture.md does not say where {path} belongs"
            )
