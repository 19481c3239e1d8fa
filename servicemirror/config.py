"""Configuration read once at the edges (CLI, dashboard) and passed down as arguments."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DB_ENV = "SERVICEMIRROR_DB"
DEFAULT_DB_NAME = "servicemirror.duckdb"


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$SERVICEMIRROR_DB`` if set, else ``data/servicemirror.duckdb`` under the project root.

    Never a stray file in the current folder: a relative ``$SERVICEMIRROR_DB`` is taken as given
    (the user chose it), the default is anchored to the project root.
    """
    environ = os.environ if environ is None else environ
    value = environ.get(DB_ENV)
    if value:
        return Path(value).expanduser()
    return PROJECT_ROOT / "data" / DEFAULT_DB_NAME


@dataclass(frozen=True)
class Setting:
    """One setting: name, default (as text), help."""

    name: str
    default: str
    help: str


SETTINGS = (
    Setting(
        "k_staff",
        "5",
        "Minimum staff respondents before any staff figure is shown (never below 3).",
    ),
    Setting(
        "k_comments", "10", "Minimum respondents in a group before its patron comments are shown."
    ),
    Setting(
        "period_length",
        "year",
        "Period used to match staff and patron data: year, half or quarter.",
    ),
    Setting("n_permutations", "9999", "Permutations for the library-level permutation test."),
    Setting(
        "comment_names",
        "",
        "Comma-separated first names (e.g. staff) removed from patron comments when they are loaded.",
    ),
    Setting(
        "hash_salt",
        "",
        "Salt for respondent-id hashes; generated on first use; kept in `export` backups, never in forum packages or reports.",
    ),
)
SETTING_DEFAULTS = {s.name: s.default for s in SETTINGS}
K_MINIMUM = 3
