"""Name resolution for the loader: library cells -> known libraries (near misses asked about,
never merged), vendor codes and kiosk locations through the mapping step and the saved unit
mapping (unit_map), and a cell that is not a plausible name rejected with its reason."""

from __future__ import annotations

import difflib
import functools
import re
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror import queries
from servicemirror.core import db, labels, safety
from servicemirror.etl import kiosk_names, vocab
from servicemirror.etl.known import LoadRefused, _database_state, _State
from servicemirror.etl.readers.base import (
    Problem,
    ReadResult,
)
from servicemirror.etl.values import take_texts

NEAR_MISS_CUTOFF = 0.88


def unit_instrument(result: ReadResult) -> str:
    """The key a unit mapping is saved under: the reader's instrument (a survey's header
    signature), or its format where it names none (kiosk and template files)."""
    return result.instrument or result.format


def _saved_units(db_path: Path, instrument: str) -> dict[str, str]:
    """unit -> library key saved for ``instrument`` (and for any instrument) in unit_map."""
    if not db.exists(db_path):
        return {}
    with db.reading(db_path) as con:
        rows = queries.run(con, "unit_map_of", instrument=instrument)
    return dict(zip(rows["unit"], rows["library_key"], strict=True))


def _unit_rows(
    instrument: str, given: dict[str, str], state: _State, new_libraries: pd.DataFrame
) -> pd.DataFrame:
    """The rows of unit_map for a mapping given now: each unit with the key of the library it
    was mapped to (a known library by key, name or alias, or one this upload adds)."""
    keys: dict[str, str] = {}
    for row in state.libraries.itertuples():
        aliases = list(row.aliases) if row.aliases is not None else []
        for name in (row.library_key, row.display_name, *aliases):
            keys[_norm(name)] = row.library_key
    for row in new_libraries.itertuples():
        keys.setdefault(_norm(row.display_name), row.library_key)
    units = [(u, keys.get(_norm(name))) for u, name in given.items() if str(name).strip()]
    return pd.DataFrame(
        {
            "instrument_id": [instrument] * len(units),
            "unit": [str(u).strip() for u, _ in units],
            "library_key": [k for _, k in units],
        }
    ).dropna(subset=["library_key"])


def library_values(result: ReadResult, limit: int = 200) -> list[str]:
    """The distinct library cells of a read file, and the branch/location where none is named.

    What the mapping step's ``libraries`` can map (at most ``limit``, sorted).
    """
    found: set[str] = set()
    if len(result.kiosk):
        found |= kiosk_names.library_values(result.kiosk)
    for name in ("responses", "aggregates"):
        frame = getattr(result, name)
        if frame.empty or "library" not in frame.columns:
            continue
        library = frame["library"].astype(object)
        found |= {str(v).strip() for v in library.dropna().unique() if str(v).strip()}
        if "branch" in frame.columns:
            blank = library.isna() | library.astype(str).str.strip().eq("")
            found |= {str(v).strip() for v in frame.loc[blank, "branch"].dropna().unique()}
    return sorted(v for v in found if v)[:limit]


def apply_library_map(result: ReadResult, libraries: dict | None) -> None:
    """Vendor codes and kiosk locations -> library names, as the mapping step says.

    ``libraries`` is the mapping's ``{"AO01": "Gentofte", "Stenløse": "Egedal"}``: a library cell
    holding a key is renamed; where a row names no library, its branch (a kiosk's Location) is
    looked up, so a three-library kiosk file loads without ``--library``. Works for every reader,
    kiosk readers included, because it rewrites the reader's result, not the file.
    """
    if not libraries:
        return
    lookup = {_norm(k): str(v).strip() for k, v in libraries.items() if str(v).strip()}
    if len(result.kiosk):
        # kiosk counts: each distinct location looked up once, joined back in SQL
        result.kiosk = kiosk_names.map_units(result.kiosk, lambda v: lookup.get(_norm(v)))
    for name in ("responses", "aggregates"):
        frame = getattr(result, name)
        if frame.empty or "library" not in frame.columns:
            continue
        frame = frame.copy()
        raw = frame["library"].astype(object)
        mapped = raw.map(lambda v: lookup.get(_norm(v)) if isinstance(v, str) else None)
        library = mapped.where(mapped.notna(), raw)
        if "branch" in frame.columns:
            by_branch = frame["branch"].map(
                lambda v: lookup.get(_norm(v)) if isinstance(v, str) else None
            )
            blank = library.isna() | library.astype(str).str.strip().eq("")
            library = library.where(~blank | by_branch.isna(), by_branch)
        frame["library"] = library
        setattr(result, name, frame)


# a vendor's unit code (AO01, BIB12): not a name; the mapping step says which library it is
_UNIT_CODE = re.compile(r"^[A-Za-z]{1,4}[-_]?\d{1,5}$")


def implausible_library(raw: str) -> str | None:
    """Why a library cell is not a name (formula, web address, over 100 characters), or None.

    The why is a label key (``load_why_*``), told in the reader's language by ``Problem.text``.
    A cell such as ``=cmd|' /C calc'!A0`` must never become a library (and later a cell in
    someone's spreadsheet).
    """
    text = str(raw).strip()
    if text[:1] in ("=", "+", "@") or (text[:1] == "-" and len(text) > 1 and not text[1].isalnum()):
        return "load_why_formula"
    if re.match(r"^(?:[a-z][a-z0-9+.-]*://|www\.)", text, flags=re.IGNORECASE):
        return "load_why_url"
    if len(text) > 100:
        return "load_why_long"
    return None


def _text_by_code(values: np.ndarray, codes: np.ndarray):
    """``values[codes]`` as the column pandas makes of it (texts: its Arrow-backed ``str``),
    built by Arrow's take from the few distinct values: 400,000 rows of a hundred library names
    are not turned into Arrow one Python string at a time. Anything but texts, and no row at
    all, go the way pandas takes them."""
    used = np.zeros(len(values), dtype=bool)
    used[codes] = True
    if not len(codes) or not all(isinstance(v, str) for v in values[used]):
        return values[codes]
    return take_texts(list(values), codes, "str")


class _LibraryResolver:
    """Match raw library/branch names to known ones; suggest near misses, never merge them."""

    def __init__(self, state: _State, forced: str | None, file_name: str):
        self.file_name = file_name
        self.warnings: list[str] = []
        self.lookup: dict[str, tuple[str, str]] = {}
        for row in state.libraries.itertuples():
            names = [
                row.library_key,
                row.display_name,
                *(list(row.aliases) if row.aliases is not None else []),
            ]
            for name in names:
                self.lookup[_norm(name)] = (row.library_key, row.display_name)
        self.branch_lookup: dict[tuple[str, str], str] = {}
        for row in state.branches.itertuples():
            names = [row.display_name, *(list(row.aliases) if row.aliases is not None else [])]
            for name in names:
                self.branch_lookup[(row.library_key, _norm(name))] = row.branch_key
        self._new_libraries: dict[str, str] = {}
        self._new_branches: dict[str, tuple[str, str]] = {}
        self.forced = None
        if forced:
            self.forced = self._match(forced, allow_new=True, problems=None, row=None)

    def _match(self, raw: str, allow_new: bool, problems, row):
        norm = _norm(raw)
        if norm in self.lookup:
            return self.lookup[norm]
        near = _near_miss(norm, list(self.lookup))
        if near and problems is not None:
            key, display = self.lookup[near[0]]
            problems.append(
                Problem.of(
                    self.file_name, row, "library", raw, "reason_library_near_miss", name=display
                )
            )
            return None
        key = vocab.slug(raw)
        if key in {k for k, _ in self.lookup.values()}:
            return next(v for v in self.lookup.values() if v[0] == key)
        name = safety.strip_controls(raw).strip()
        self._new_libraries[key] = name
        self.lookup[norm] = (key, name)
        self.warnings.append(labels.Note.of("note_new_library", name=labels.clip(name)))
        return key, name

    def apply(self, frame: pd.DataFrame, problems: list[Problem]) -> pd.DataFrame:
        """Add library_key, display_name and branch_key; rows without a known library go.

        Names are matched once per distinct value, not per row: an hourly kiosk file has
        millions of rows but a few hundred names (the per-row loop was measured at 30 s for
        5 million presses). Problems are reported per row, in row order, as before.
        """
        frame = frame.copy(deep=False)  # copy-on-write: the caller's frame stays as it is
        if self.forced:
            ok = np.ones(len(frame), dtype=bool)
            codes = np.zeros(len(frame), dtype=np.intp)
            keys = np.array([self.forced[0]], dtype=object)
            displays = np.array([self.forced[1]], dtype=object)
        else:
            ok, codes, keys, displays = self._match_rows(frame, problems)
        if not ok.all():  # a mask of all True would copy every column once more
            frame, codes = frame[ok], codes[ok]
        frame["library_key"] = _text_by_code(keys, codes)
        frame["display_name"] = _text_by_code(displays, codes)
        branch = (
            frame["branch"]
            if "branch" in frame.columns
            else pd.Series([None] * len(frame), index=frame.index)
        )
        # blank, None and NaN all mean "no branch" to _branch: one group for them
        given = branch.notna().to_numpy(dtype=bool)
        # factorize each column, then the combined integer code (a MultiIndex is 10x slower)
        # the keys as matched, by their match codes (two names may match one library)
        key_codes, libs = pd.factorize(keys)
        lib_codes = key_codes[codes]
        if len(frame) and not given.any():
            # no branch anywhere (most exports): that one group without hashing every row's blank
            branch_codes = np.zeros(len(frame), dtype=np.intp)
            names = np.array([""], dtype=object)
        else:
            filled = branch.astype(object).where(given, "").to_numpy(dtype=object)
            branch_codes, names = pd.factorize(filled)
        pair_codes, pairs = pd.factorize(lib_codes.astype(np.int64) * len(names) + branch_codes)
        branches = [self._branch(libs[p // len(names)], names[p % len(names)]) for p in pairs]
        frame["branch_key"] = np.array(branches, dtype=object)[pair_codes]
        return frame

    def _match_rows(self, frame: pd.DataFrame, problems: list[Problem]):
        """(ok, codes, library keys, display names): per row of ``frame`` whether it matched
        and the code of its match, whose key and name are ``keys[code]``, ``names[code]``;
        appends the row problems."""
        rows = frame["row"].to_numpy()
        codes, uniques = pd.factorize(frame["library"].to_numpy(dtype=object))
        # str() the few distinct values, then group again: 1 and "1" are the same name
        texts = np.array([str(u) for u in uniques], dtype=object)
        text_codes, text_uniques = pd.factorize(texts) if len(texts) else (np.array([], int), [])
        per_row = np.where(codes >= 0, text_codes[codes] if len(texts) else -1, -1)
        # the position of each code's first row (drop_duplicates keeps first rows, by hashing)
        firsts = pd.Series(per_row).drop_duplicates()
        first = {int(v): int(p) for p, v in firsts.items() if v >= 0}
        found: list[tuple[int, Problem]] = []
        matched: list[tuple | None] = []
        blank = np.zeros(len(text_uniques) + 1, dtype=bool)
        blank[-1] = True  # code -1: None / NaN
        implausible: set[int] = set()
        for code, raw in enumerate(text_uniques):
            if not raw.strip():
                blank[code] = True
                matched.append(None)
                continue
            pos = first[code]
            why = implausible_library(raw)
            if why is None and _UNIT_CODE.match(raw.strip()) and _norm(raw) not in self.lookup:
                why = "load_why_code"
            if why is not None:
                # every row with this cell is rejected with the reason (not only the first)
                for at in np.flatnonzero(per_row == code):
                    found.append(
                        (
                            int(at),
                            Problem.of(
                                self.file_name,
                                int(rows[at]),
                                "library",
                                labels.clip(raw),
                                "reason_implausible_library",
                                why=why,
                            ),
                        )
                    )
                matched.append(None)
                implausible.add(code)
                continue
            near: list[Problem] = []
            matched.append(self._match(raw, True, near, int(rows[pos])))
            found += [(pos, p) for p in near]
        resolved = np.array([m is not None for m in matched] + [False], dtype=bool)
        for pos in np.flatnonzero(blank[per_row]):
            found.append(
                (
                    int(pos),
                    Problem.of(
                        self.file_name, int(rows[pos]), "library", None, "reason_no_library"
                    ),
                )
            )
        unknown = ~resolved[per_row] & ~blank[per_row]
        for pos in np.flatnonzero(unknown):
            if first.get(int(per_row[pos])) != pos and int(per_row[pos]) not in implausible:
                raw = text_uniques[per_row[pos]]
                found.append(
                    (
                        int(pos),
                        Problem.of(
                            self.file_name, int(rows[pos]), "library", raw, "reason_unknown_library"
                        ),
                    )
                )
        problems += [p for _, p in sorted(found, key=lambda f: f[0])]
        keys = np.array([m[0] if m else None for m in matched] + [None], dtype=object)
        names = np.array([m[1] if m else None for m in matched] + [None], dtype=object)
        return resolved[per_row], per_row, keys, names

    def _branch(self, library_key: str, raw) -> str | None:
        if raw is None or (isinstance(raw, float) and np.isnan(raw)) or not str(raw).strip():
            return None
        norm = _norm(str(raw))
        key = self.branch_lookup.get((library_key, norm))
        if key:
            return key
        key = f"{library_key}/{vocab.slug(str(raw))}"
        self.branch_lookup[(library_key, norm)] = key
        self._new_branches[key] = (library_key, safety.strip_controls(str(raw)).strip())
        return key

    def new_libraries(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "library": list(self._new_libraries.values()),
                "library_key": list(self._new_libraries),
                "display_name": list(self._new_libraries.values()),
            }
        )

    def new_branches(self) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "branch_key": list(self._new_branches),
                "library_key": [v[0] for v in self._new_branches.values()],
                "display_name": [v[1] for v in self._new_branches.values()],
            }
        )


GENERIC_NAME_WORDS = {
    "bibliotek",
    "biblioteket",
    "bibliotekerne",
    "biblioteker",
    "centralbibliotek",
    "hovedbibliotek",
    "folkebibliotek",
    "folkebibliotekerne",
    "kommune",
    "kommunes",
    "filial",
    "library",
    "libraries",
    "public",
    "central",
    "og",
    "and",
}


@functools.lru_cache(maxsize=8192)
def _core_words(norm: str) -> tuple[str, ...]:
    # kept per name: a file of a hundred new libraries compares each with all the others
    return tuple(w for w in norm.split(" ") if w and w not in GENERIC_NAME_WORDS)


def _near_miss(norm: str, known: list[str]) -> list[str]:
    """Known names that look like ``norm`` without being it.

    Generic words (bibliotek, centralbibliotek, kommune, library ...) are ignored. A near miss
    is a name whose distinctive words are all in the other's ("Gentofte Bibliotekerne" vs
    "Gentofte Centralbibliotek") or a very similar long spelling ("Hoje Taastrup"); "Bibliotek
    Ishøj" is not one of "Bibliotek Gentofte", "School 1288" not one of "School 1224", and short
    names that differ by a letter ("Zeta"/"Beta") are different libraries.
    """
    core = _core_words(norm)
    if not core:
        return []
    # one name's distinctive words all appear in the other's ("gentofte" in "gentofte")
    words = set(core)
    contained = [
        k
        for k in known
        if _core_words(k) and (words <= set(_core_words(k)) or set(_core_words(k)) <= words)
    ]
    if contained:
        return difflib.get_close_matches(norm, contained, n=1, cutoff=0.0)
    core_text = " ".join(core)
    candidates = {" ".join(_core_words(k)): k for k in known if len(" ".join(_core_words(k))) >= 6}
    if len(core_text) < 6:
        return []
    # numbers name different units ("Filial 2" vs "Filial 3"): never a spelling variant
    digits = re.findall(r"\d+", core_text)
    candidates = {c: k for c, k in candidates.items() if re.findall(r"\d+", c) == digits}
    close = difflib.get_close_matches(core_text, list(candidates), n=1, cutoff=NEAR_MISS_CUTOFF)
    return [candidates[c] for c in close]


def _norm(name) -> str:
    return vocab.normalise_label(str(name))


def _library_lookup(db_path: Path) -> tuple[dict[str, str], list[str]]:
    """normalised key / display name / alias -> library key, and the sorted known keys."""
    state = _database_state(db_path)
    lookup = {}
    for row in state.libraries.itertuples():
        aliases = list(row.aliases) if row.aliases is not None else []
        for label in (row.library_key, row.display_name, *aliases):
            lookup[_norm(label)] = row.library_key
    return lookup, sorted(state.libraries["library_key"])


def _library_key(lookup, name: str) -> str:
    table, known = lookup
    key = table.get(_norm(name))
    if key is None:
        raise LoadRefused.of(
            "load_library_not_known",
            name=labels.clip(name),
            known=", ".join(known) if known else "load_none_yet",
        )
    return key


def resolve_library(db_path: Path, name: str) -> str:
    """The library key for a key, display name or alias; LoadRefused (one line) if unknown."""
    return _library_key(_library_lookup(db_path), name)


def resolve_libraries(db_path: Path, names) -> list[str]:
    """:func:`resolve_library` for several names with one read of the database (a national
    upload's report names a hundred libraries)."""
    lookup = _library_lookup(db_path)
    return [_library_key(lookup, str(name)) for name in names]
