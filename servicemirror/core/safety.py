"""Hostile-input guards in one place: upload size, zip bombs, unsafe names, formula injection.

Every limit is a documented constant (docs/privacy.md, "Data protection"), checked before a
reader or parser touches the bytes, and every refusal is one line that says what to do:

- ``MAX_UPLOAD_BYTES``: the largest file ``load`` accepts. Real exports are 10^3-10^5 rows (a few
  MB); 256 MiB is a 3.5M-row long CSV (1M rows are about 69 MB) and keeps a load within memory.
- ``.xlsx`` and ``.zip`` files are zip archives: ``check_zip`` reads only the central directory
  (milliseconds, nothing is decompressed) and refuses more than ``MAX_ZIP_MEMBERS`` members, more
  than ``MAX_ZIP_UNCOMPRESSED`` bytes unpacked, a member that expands more than
  ``MAX_ZIP_RATIO`` times, nested archives, and member names that would be paths outside the
  archive. A bomb that lies about its sizes is caught by ``verify_zip_stream``, which inflates each
  member at most to the size it declares (Python's zipfile never returns more) and checks the CRC.
- File names are labels, never locations: ``display_name`` turns any name into a one-line base
  name for messages and lineage; no code here or in ``etl`` joins a user-given name to a folder.
- ``protect_cell``/``protect_frame``: text written to CSV or Excel that starts with ``=``, ``+``,
  ``-``, ``@``, tab or carriage return gets a leading apostrophe, so a spreadsheet shows it as
  text instead of running it as a formula (OWASP "CSV injection"); so does every LINE inside the
  text that starts like that (after a newline or a bare CR), because a reader that breaks rows on
  CR would otherwise start a new row with a live formula. Every CSV/Excel writer of the product
  calls ``protect_frame`` and quotes every text field (today: ``servicemirror.app.backup``).
"""

from __future__ import annotations

import codecs
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd

from servicemirror.core import labels

MAX_UPLOAD_BYTES = 256 * 1024 * 1024
MAX_ZIP_MEMBERS = 2_000  # an .xlsx has 10-40 parts; a workbook with 500 sheets has ~1,100
MAX_ZIP_UNCOMPRESSED = 1024 * 1024 * 1024  # all members together, unpacked
MAX_ZIP_RATIO = 200  # sheet XML compresses 10-50x; a bomb does 1,000x and more
RATIO_FLOOR = 1024 * 1024  # small members may compress very well without harm
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# a line break (CRLF, bare CR or LF) followed by a formula start: the later lines of a cell
_LINE_FORMULA = re.compile(r"(\r\n|\r|\n)(?=[=+\-@\t])")
MIXED_ENCODING = "servicemirror-cp1252-fallback"


class UnsafeInput(labels.Refusal, ValueError):
    """A file refused for safety (too big, a zip bomb, unsafe member names); one line, told in
    Danish or English through the label table (``read_too_big``, ``read_zip_*``)."""


# C0 and C1 control characters (and DEL) except newline and tab: a terminal runs ESC sequences
# (colours, cursor moves, window titles, on some terminals pasted commands), CR overwrites a line
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text):
    """The text without C0/C1 control characters other than newline and tab; non-text unchanged.

    >>> strip_controls("Alfa\x1b[2J Bibliotek\u009b")
    'Alfa[2J Bibliotek'
    """
    if not isinstance(text, str):
        return text
    return CONTROL_CHARACTERS.sub("", text)


class TerminalSafe:
    """A text stream wrapper that strips control characters from everything written to it.

    The CLI writes all its output through it (``servicemirror.cli.main``), so a library name or
    comment holding escape sequences is printed as plain text, whichever command prints it.
    """

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        """Write ``text`` without control characters; returns the length given (as print expects)."""
        self._stream.write(strip_controls(text))
        return len(text)

    @property
    def unfiltered(self):
        """The wrapped stream, for the product's own terminal codes (the progress bar's CR and
        line erase); whatever text goes with them must be passed through strip_controls."""
        return self._stream

    def __getattr__(self, name):
        # flush, fileno, isatty, encoding, ... come from the wrapped stream
        return getattr(self._stream, name)


def display_name(name: str | Path) -> str:
    """A one-line base name for messages and lineage; never a path.

    >>> display_name("../../etc/passwd.csv")
    'passwd.csv'
    >>> display_name("a\\nb.csv")
    'a b.csv'
    """
    base = re.split(r"[\\/]", str(name))[-1]
    # control characters (newline, NUL, escape sequences) would break "one line on stderr"
    base = re.sub(r"[\x00-\x1f\x7f]+", " ", base).strip()
    return base[:200] or "upload"


def check_size(path: Path, limit: int = MAX_UPLOAD_BYTES) -> int:
    """The file's size in bytes; UnsafeInput when it is larger than ``limit``."""
    size = Path(path).stat().st_size
    if size > limit:
        raise UnsafeInput.of(
            "read_too_big",
            file=display_name(path),
            size=f"{size / 2**20:.0f}",
            limit=f"{limit / 2**20:.0f}",
        )
    return size


def _unsafe_member(name: str) -> bool:
    """True for member names that would point outside an extraction folder (we never extract)."""
    if "\x00" in name or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return True
    pure = PurePosixPath(name)
    return pure.is_absolute() or ".." in pure.parts


def check_zip(
    path: Path,
    *,
    max_members: int = MAX_ZIP_MEMBERS,
    max_total: int = MAX_ZIP_UNCOMPRESSED,
    max_ratio: float = MAX_ZIP_RATIO,
) -> list[str]:
    """Check a zip/xlsx archive from its central directory only; returns the member names.

    Raises UnsafeInput (one line) for too many members, too much unpacked data, a member with a
    bomb-like compression ratio, a nested archive or an unsafe member name; ``zipfile.BadZipFile``
    for a damaged archive (the caller words that one).
    """
    name = display_name(path)
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
    if len(infos) > max_members:
        raise UnsafeInput.of(
            "read_zip_members", file=name, count=f"{len(infos):,}", limit=f"{max_members:,}"
        )
    total = 0
    for info in infos:
        if _unsafe_member(info.filename):
            raise UnsafeInput.of(
                "read_zip_unsafe_name", file=name, member=display_name(info.filename)
            )
        total += info.file_size
        if total > max_total:
            raise UnsafeInput.of("read_zip_too_large", file=name, limit=f"{max_total / 2**20:.0f}")
        if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise UnsafeInput.of(
                "read_zip_ratio",
                file=name,
                ratio=f"{info.file_size / max(info.compress_size, 1):,.0f}",
                limit=f"{max_ratio:g}",
            )
        if info.filename.lower().endswith((".zip", ".xlsx", ".gz", ".7z", ".rar")):
            raise UnsafeInput.of("read_zip_nested", file=name, member=display_name(info.filename))
    return [info.filename for info in infos]


def verify_zip_stream(path: Path, chunk: int = 1 << 20) -> None:
    """Inflate every member at most to its declared size and check its CRC.

    Catches archives whose central directory lies about sizes (the declared sizes were already
    checked by ``check_zip``); zipfile stops at the declared size, so this never inflates more
    than ``MAX_ZIP_UNCOMPRESSED``. Raises UnsafeInput for a damaged or lying archive.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                with zf.open(info) as member:
                    while member.read(chunk):
                        continue
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
        raise UnsafeInput.of(
            "read_zip_damaged", file=display_name(path), error=labels.clip(exc)
        ) from None


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes (hex), read in 1 MiB chunks so a large file never sits in
    memory: an upload's identity (a file loaded twice is refused) and a backup's checksums.
    The one read loop is :func:`scan_file`'s (its search for a quote is a memchr per chunk)."""
    return scan_file(path).sha256


@dataclass(frozen=True)
class FileScan:
    """What one pass over a file's bytes found: its SHA-256 (hex) and whether it holds a ``"``."""

    sha256: str
    has_quote: bool


def scan_file(path: Path) -> FileScan:
    """A file's SHA-256 (hex) and whether it holds a double quote, in one pass over its bytes.

    An upload reads its file once for both: the loader hashes it for the upload's identity, and
    the kiosk press reader counts a file without any ``"`` with DuckDB's quote handling off
    (queries/kiosk_presses_hourly_typed.sql). A second pass cost a 200 MB export about 0.1 s."""
    digest = hashlib.sha256()
    quote = False
    with Path(path).open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            quote = quote or b'"' in chunk
    return FileScan(digest.hexdigest(), quote)


def protect_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; else unchanged.

    >>> protect_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> protect_cell(-3.5)
    -3.5
    """
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_STARTS):
        value = "'" + value
    if "\r" in value or "\n" in value:
        value = _LINE_FORMULA.sub(r"\1'", value)
    return value


def protect_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with ``protect_cell`` applied to every text cell (numbers and dates stay numbers)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if series.dtype == object or pd.api.types.is_string_dtype(series.dtype):
            out[column] = series.map(protect_cell, na_action="ignore").astype(object)
    # a formula-looking header is as dangerous as a cell
    out.columns = [protect_cell(str(c)) for c in out.columns]
    return out


def _cp1252_fallback(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejected as cp1252 (latin-1 where cp1252 has no character)."""
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


# registered once at import: ``codecs`` keeps handlers by name for the whole process
codecs.register_error(MIXED_ENCODING, _cp1252_fallback)
