"""Configuration read once at the edges (CLI, dashboard) and passed down as arguments."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

# servicemirror/core/config.py -> the folder that holds servicemirror/, dashboard/, data/
PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
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
PERIOD_LENGTHS = ("year", "half", "quarter")
N_PERMUTATIONS_MINIMUM = 999  # fewer cannot resolve p = .001 and make the permutation p coarse
N_PERMUTATIONS_MAXIMUM = 1_000_000  # more only makes every analysis slow, never more exact


def _whole_number(key: str, value: str, low: int, high: int | None = None) -> int:
    """``int(value)`` within [low, high]; ValueError (one line) otherwise."""
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or number < low or (high is not None and number > high):
        upper = f" and at most {high}" if high is not None else ""
        raise ValueError(f"{key} must be a whole number of at least {low}{upper}, not {value!r}.")
    return number


def parse_setting(key: str, value: str) -> str:
    """The value to store for setting ``key``, checked by the setting's type.

    Thresholds are whole numbers (``int()``, so e.g. a superscript digit is refused rather than
    crashing later), never below K_MINIMUM; ``n_permutations`` at least 999; ``period_length`` one
    of PERIOD_LENGTHS. Raises ValueError with one line saying what is allowed.
    """
    if key not in SETTING_DEFAULTS:
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(SETTING_DEFAULTS)}.")
    value = str(value)
    if key in ("k_staff", "k_comments"):
        return str(_whole_number(key, value, K_MINIMUM))
    if key == "n_permutations":
        return str(_whole_number(key, value, N_PERMUTATIONS_MINIMUM, N_PERMUTATIONS_MAXIMUM))
    if key == "period_length":
        text = value.strip().lower()
        if text not in PERIOD_LENGTHS:
            raise ValueError(
                f"period_length must be one of {', '.join(PERIOD_LENGTHS)}, not {value!r}."
            )
        return text
    return value
