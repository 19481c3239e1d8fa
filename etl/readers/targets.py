"""Read a service declaration's targets from a small CSV (`servicemirror targets load FILE`).

Not a survey export, so it is not in the reader registry: it is read by its own command and
written by ``etl.load.set_targets``. One row per promise, Danish or English headers:

    bibliotek,kontaktpunkt,maal_type,maal,kilde
    Gentofte,Bogen Kommer,top2,90 %,Servicedeklaration 2023
    Gentofte,,nps,40,Servicedeklaration 2023

Columns (synonyms in :data:`HEADERS`): library; touchpoint (blank or "samlet"/"overall" = overall
satisfaction); measure (index | top2 | nps, Danish words accepted; blank = index); target (a
number, "90 %" and decimal commas accepted); source (optional). UTF-8 (with or without BOM) or
cp1252 (Excel's Danish default); comma or semicolon separated.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servicemirror.core import labels
from servicemirror.etl import vocab
from servicemirror.etl.readers.base import ReadError

HEADERS = {
    "library": ["library", "bibliotek", "biblioteket"],
    "touchpoint": ["touchpoint", "kontaktpunkt", "service", "ydelse", "tilbud"],
    "measure": ["measure", "maal_type", "måltype", "mål_type", "maaltype", "type", "mål type"],
    "target": ["target", "target_value", "maal", "mål", "maalvaerdi", "målværdi", "værdi"],
    "source": ["source", "kilde"],
}
MEASURES = {
    "index": ["index", "indeks", "tilfredshed", "satisfaction", ""],
    "top2": ["top2", "top-2", "top 2", "andel tilfredse", "share satisfied", "tilfredse", "pct"],
    "nps": ["nps", "net promoter score", "anbefaling"],
}


def _column_map(columns: list[str]) -> dict[str, str]:
    found = {}
    for col in columns:
        norm = vocab.normalise_label(col)
        for name, words in HEADERS.items():
            if name not in found and norm in {vocab.normalise_label(w) for w in words}:
                found[name] = col
    return found


def _measure(text) -> str:
    norm = "" if pd.isna(text) else vocab.normalise_label(str(text))
    for name, words in MEASURES.items():
        if norm in {vocab.normalise_label(w) for w in words}:
            return name
    return norm  # unknown: etl.load refuses it with the accepted names


def read(path: Path) -> pd.DataFrame:
    """The targets in ``path`` as columns library, touchpoint, measure, target, source (text).

    Raises ReadError (one line) when the file cannot be read or lacks a library or target column.
    """
    path = Path(path)
    if not path.is_file():
        raise ReadError.of("load_not_a_file", path=path)
    frame = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            frame = pd.read_csv(path, sep=None, engine="python", dtype=str, encoding=encoding)
            break
        except UnicodeDecodeError:
            continue
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ReadError.of(
                "read_targets_unreadable", file=path.name, error=labels.clip(exc)
            ) from None
    if frame is None:
        raise ReadError.of("read_text_encoding", file=path.name)
    found = _column_map(list(frame.columns))
    missing = [c for c in ("library", "target") if c not in found]
    if missing:
        raise ReadError.of("read_targets_columns", file=path.name, missing=" / ".join(missing))
    out = pd.DataFrame({name: frame[col] for name, col in found.items()})
    for name in ("touchpoint", "measure", "source"):
        if name not in out.columns:
            out[name] = None
    out["touchpoint"] = out["touchpoint"].fillna("")
    out["measure"] = out["measure"].map(_measure)
    out = out.dropna(subset=["library"])
    return out[["library", "touchpoint", "measure", "target", "source"]].reset_index(drop=True)
