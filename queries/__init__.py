"""Every SQL statement of Service Mirror lives in this folder, one query per ``NAME.sql`` file.

Queries take DuckDB ``$named`` parameters and are loaded by name; nothing builds SQL from strings,
except one slot: a statement that acts alike on each upload-owned table (``delete``/``update``
cannot take a table name as a parameter) names it ``{table}``, and ``on_table`` fills it with a
plain lower-case name that the caller takes from the closed list in ``servicemirror.core.upload_tables``.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pandas as pd


@cache
def sql(name: str) -> str:
    """The text of ``queries/NAME.sql``; KeyError with the name when there is no such file."""
    resource = resources.files(__name__).joinpath(f"{name}.sql")
    if not resource.is_file():
        raise KeyError(f"no query named {name!r} in queries/")
    return resource.read_text(encoding="utf-8")


@cache
def optional(name: str) -> frozenset[str]:
    """The parameters ``queries/NAME.sql`` lets a caller leave out (they are then null).

    A header line ``-- params (optional, ...): $a, $b ...`` names them; a query that reads all
    rows by default and a narrower slice when asked (cells.sql) needs no second copy of its SQL.
    """
    found: set[str] = set()
    for line in sql(name).splitlines():
        if not line.startswith("--"):
            break
        if line.startswith("-- params (optional"):
            found.update(re.findall(r"\$(\w+)", line))
    return frozenset(found)


def _bind(name: str, params: dict) -> dict:
    """``params`` plus null for every optional parameter the caller left out."""
    return {p: None for p in optional(name) if p not in params} | params


def on_table(name: str, table: str) -> str:
    """The text of ``queries/NAME.sql`` with its ``{table}`` slot filled by ``table``.

    ValueError unless the file has the slot and ``table`` is a plain lower-case name (letters and
    ``_``), so the slot can never carry anything but one table's name.
    """
    text = sql(name)
    if "{table}" not in text:
        raise ValueError(f"query {name!r} has no {{table}} slot")
    if not re.fullmatch(r"[a-z_]+", table):
        raise ValueError(f"not a table name: {table!r}")
    return text.replace("{table}", table)


def names() -> list[str]:
    """The names of all queries, sorted."""
    return sorted(
        p.name.removesuffix(".sql")
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(".sql")
    )


def run(con, name: str, /, **params) -> pd.DataFrame:
    """Run query ``name`` with ``$named`` parameters and return the result as a DataFrame."""
    return con.execute(sql(name), _bind(name, params)).df()


def execute(con, name: str, /, **params) -> None:
    """Run a statement (insert/update/delete/script) that returns nothing useful."""
    con.execute(sql(name), _bind(name, params) or None)


def scalar(con, name: str, /, **params):
    """Run query ``name`` and return the first column of its first row (None if no row)."""
    rows = con.execute(sql(name), _bind(name, params)).fetchall()
    return rows[0][0] if rows else None


def script(con, name: str, /, **params) -> None:
    """Run a multi-statement file; each statement gets only the parameters it names.

    DuckDB binds prepared parameters to one statement at a time, so the file is split on the
    semicolons that end a line (our own files never put one inside a string).
    """
    for statement in sql(name).split(";\n"):
        body = "\n".join(
            line for line in statement.splitlines() if not line.strip().startswith("--")
        )
        if not body.strip():
            continue
        con.execute(body, named_in(body, params) or None)


def named_in(text: str, params: dict) -> dict:
    """The entries of ``params`` that the statement ``text`` names as ``$parameters``: DuckDB
    refuses a parameter a statement does not use."""
    return {k: v for k, v in params.items() if f"${k}" in text}
