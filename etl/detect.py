"""Sniff what a file is before any reader touches it: kind, encoding, delimiter.

DuckDB's CSV reader takes UTF-8, UTF-16 and latin-1 but not cp1252, so anything that is not plain
UTF-8 is converted to a temporary UTF-8 file in chunks first. File type is decided by
content, never by the extension.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from servicemirror.core import safety
from servicemirror.etl.readers.base import ReadError

CHUNK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary .xls
DELIMITERS = [",", ";", "\t", "|"]

# the delimiter sniff parses the first CHUNK with the csv module, whose default field limit
# (131,072 characters) made a 300,000-character comment crash the load; the sample can never
# hold a longer field than the chunk itself, so that is the limit (raised only, never lowered)
csv.field_size_limit(max(csv.field_size_limit(), 2 * CHUNK))


class Sniffed:
    """What the first bytes and lines of a file say.

    ``kind``: csv | xlsx | zip. ``encoding``: utf-8 | utf-8-sig | utf-8-mixed | cp1252 | utf-16
    (detect_encoding). ``delimiter``; ``head``: the first lines, decoded.

    A file whose first chunk is valid UTF-8 may still turn out not to be further down, and only
    a pass over the whole file tells. That pass is made the first time ``encoding`` is asked
    for, not by :func:`sniff`: a reader that has DuckDB validate the UTF-8 while it reads (the
    kiosk press reader) asks only when DuckDB found something (``utf8_unchecked``), which
    spares a 200 MB export a second full read. Every other reader asks at once, as before.
    """

    def __init__(
        self,
        kind: str,
        encoding: str | None,
        delimiter: str | None,
        head: list[str],
        path: Path | None = None,
    ):
        self.kind = kind
        self._encoding = encoding  # None: the first chunk is UTF-8, the rest not yet checked
        self.delimiter = delimiter
        self.head = head
        self.path = path

    @property
    def utf8_unchecked(self) -> bool:
        """True while only the first chunk is known to be UTF-8 (``encoding`` not yet asked)."""
        return self._encoding is None

    @property
    def encoding(self) -> str:
        """The whole file's encoding; the first call on an unchecked file reads it all."""
        if self._encoding is None:
            self._encoding = _whole_file_encoding(self.path)
            if self._encoding != "utf-8":
                with Path(self.path).open("rb") as fh:
                    start = fh.read(CHUNK)
                # as sniff would have decoded them knowing the encoding (differs at most in
                # the line the first chunk cut)
                self.head = _decode_head(start, self._encoding).splitlines()[:50]
                self.delimiter = sniff_delimiter(self.head)
        return self._encoding

    def __repr__(self) -> str:
        return (
            f"Sniffed(kind={self.kind!r}, encoding={self._encoding!r}, "
            f"delimiter={self.delimiter!r}, head=<{len(self.head)} lines>)"
        )


def sniff(path: Path) -> Sniffed:
    """Decide the kind of file and, for text, its encoding and delimiter.

    Raises ReadError with one line for empty, binary, oversized or unreadable files, and for
    archives that fail the zip-bomb checks (servicemirror.core.safety).
    """
    path = Path(path)
    try:
        size = safety.check_size(path)
    except safety.UnsafeInput as exc:
        raise ReadError.told_as(exc) from None
    if size == 0:
        raise ReadError.of("read_empty", file=path.name)
    with path.open("rb") as fh:
        start = fh.read(CHUNK)
    if start.startswith(ZIP_MAGIC):
        return Sniffed(_zip_kind(path), "binary", None, [])
    if start.startswith(OLE_MAGIC):
        raise ReadError.of("read_old_excel", file=path.name)
    # the whole-file UTF-8 pass waits until a reader asks for the encoding (Sniffed)
    encoding = _start_encoding(path, start)
    text = _decode_head(start, encoding or "utf-8")
    head = text.splitlines()[:50]
    if not any(line.strip() for line in head):
        raise ReadError.of("read_no_text", file=path.name)
    return Sniffed("csv", encoding, sniff_delimiter(head), head, path)


def _zip_kind(path: Path) -> str:
    # the bomb checks run before any reader opens the archive (servicemirror.core.safety)
    try:
        names = safety.check_zip(path)
        safety.verify_zip_stream(path)
    except zipfile.BadZipFile:
        raise ReadError.of("read_damaged_zip", file=path.name) from None
    except safety.UnsafeInput as exc:
        raise ReadError.told_as(exc) from None
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    return "zip"


def detect_encoding(path: Path, start: bytes | None = None) -> str:
    """utf-16 (BOM), utf-8-sig (BOM), utf-8 (whole file decodes), utf-8-mixed or cp1252.

    utf-8-mixed: valid UTF-8 letters next to bytes UTF-8 rejects (a file pasted together from two
    exports); it is read as UTF-8 with the rejected bytes taken as cp1252, so both halves keep
    their æøå. cp1252: no valid UTF-8 multi-byte letter at all.
    """
    if start is None:
        with Path(path).open("rb") as fh:
            start = fh.read(CHUNK)
    return _start_encoding(path, start) or _whole_file_encoding(path)


def _start_encoding(path: Path, start: bytes) -> str | None:
    """:func:`detect_encoding`'s answer when the first chunk ``start`` decides it (a BOM, NULs,
    bytes UTF-8 rejects); None when the first chunk is valid UTF-8 (then only the rest of the
    file can tell: :func:`_whole_file_encoding`)."""
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in start[:4096]:
        # UTF-16 without BOM has a NUL in every other byte; anything else with NULs is binary
        evens, odds = start[0:4096:2], start[1:4096:2]
        if odds.count(0) > len(odds) * 0.4 or evens.count(0) > len(evens) * 0.4:
            return "utf-16-le" if odds.count(0) > evens.count(0) else "utf-16-be"
        raise ReadError.of("read_binary", file=Path(path).name)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start)
    except UnicodeDecodeError:
        return _not_utf8(path)
    return None


def _whole_file_encoding(path: Path) -> str:
    """utf-8 when the whole file decodes as UTF-8, else utf-8-mixed or cp1252."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with Path(path).open("rb") as fh:
        while chunk := fh.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return _not_utf8(path)
    return "utf-8"


def _not_utf8(path: Path) -> str:
    return "utf-8-mixed" if _has_utf8_letters(path) else "cp1252"


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _has_utf8_letters(path: Path) -> bool:
    """True when the file holds UTF-8 multi-byte sequences (cp1252 text almost never does)."""
    with Path(path).open("rb") as fh:
        while chunk := fh.read(CHUNK):
            if _UTF8_MULTIBYTE.search(chunk):
                return True
    return False


def _decode_head(start: bytes, encoding: str) -> str:
    if encoding == "cp1252":
        return start.decode("cp1252", errors="replace")
    if encoding == "utf-8-mixed":
        return start.decode("utf-8", errors=safety.MIXED_ENCODING)
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(start)


def sniff_delimiter(lines: list[str]) -> str | None:
    """The delimiter that splits the first lines most consistently (quotes respected)."""
    sample = [line for line in lines[:20] if line.strip()]
    if not sample:
        return None
    best, best_score = None, 0.0
    for delim in DELIMITERS:
        counts = [
            len(row) - 1 for row in csv.reader(io.StringIO("\n".join(sample)), delimiter=delim)
        ]
        if not counts or max(counts) == 0:
            continue
        # prefer a delimiter that gives many fields on most lines
        common = max(set(counts), key=counts.count)
        score = common * counts.count(common) / len(counts)
        if score > best_score:
            best, best_score = delim, score
    return best


@contextmanager
def scratch_folder(prefix: str = "servicemirror-"):
    """A private temporary folder for converted or unpacked copies of an export, removed when the
    block ends, however it ends: those copies hold respondents' answers."""
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as folder:
        yield Path(folder)


def to_utf8(path: Path, encoding: str, workdir: Path | None = None) -> Path:
    """A UTF-8 (no BOM) version of a text file: the file itself if it already is, else a temp copy.

    Converts in chunks so a large export never sits in memory whole. NUL characters are dropped
    (they break CSV parsers and are never meaningful in a survey export).
    """
    path = Path(path)
    if encoding == "utf-8":
        with path.open("rb") as fh:
            if b"\x00" not in fh.read(CHUNK):
                return path
    source_encoding = (
        "utf-16" if encoding.startswith("utf-16") and encoding == "utf-16" else encoding
    )
    errors = "replace"
    if encoding == "utf-8-mixed":
        source_encoding, errors = "utf-8", safety.MIXED_ENCODING
    workdir = Path(workdir or tempfile.mkdtemp(prefix="servicemirror-"))
    target = workdir / (path.stem + ".utf8.csv")
    with (
        path.open("r", encoding=source_encoding, errors=errors, newline="") as src,
        target.open("w", encoding="utf-8", newline="") as dst,
    ):
        while chunk := src.read(CHUNK):
            dst.write(chunk.replace("\x00", ""))
    return target
