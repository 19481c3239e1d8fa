"""The one ending of every wide reader: classify -> signature -> resolve -> result.

Each wide reader (Qualtrics, SurveyMonkey, LimeSurvey, Google Forms, Microsoft Forms, the
generic spreadsheet) first turns its export into one header row per column and one row per
respondent, with the roles its tool fixes (metadata, dates, ids). What follows is the same for all
six and lives here: guess the other columns' roles (``wide.classify``), name the instrument by the
header signature (so a saved mapping profile and the unit mapping find the next export of the same
survey), apply the user's mapping or a saved profile (``mapping.resolve``), and build the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from servicemirror.etl import mapping, wide
from servicemirror.etl.detect import Sniffed
from servicemirror.etl.readers.base import Problem, ReadOptions, ReadResult
from servicemirror.etl.source import Source


def finish(
    frame: pd.DataFrame | Source,
    path: Path,
    sniffed: Sniffed,
    options: ReadOptions | None,
    format: str,
    *,
    columns: list[str] | None = None,
    fixed: dict[str, str] | None = None,
    texts: dict[str, str] | None = None,
    problems: list[Problem] | None = None,
    records: int | None = None,
    dayfirst: bool | None = None,
    after: Callable[[Source, wide.WideSpec], list[str]] | None = None,
    aggregates: bool = False,
) -> ReadResult:
    """The ReadResult of a wide export whose header and fixed roles the reader has settled.

    ``frame``: the export's data records in DuckDB (``etl.source.Source``), or a reader's own frame
    of text cells, put there first. Roles are guessed from a sample of the records
    (``Source.sample``: all of them in a small file); each question's scale and labels from
    all of its distinct cells, in SQL. ``path``, ``sniffed``, ``options``, ``format``: the file, as the reader was given it, and the
    reader's format name. ``columns``: the headers the signature is taken from (as the export
    wrote them; default: the frame's own columns).
    ``dayfirst``: False for tools that write US dates. ``after``: a last step on the rows once
    the roles are known (the generic spreadsheet drops its totals rows from the source), returning
    its warnings. ``aggregates``: a sheet with an n column and a library column is one row per
    library (means), not one per respondent.
    """
    source = frame if isinstance(frame, Source) else Source.from_frame(frame, Path(path).name)
    if columns is None:
        columns = source.columns
    rtype = options.respondent_type if options else None
    sample = source.sample()
    spec = wide.classify(sample, format=format, texts=texts, fixed=fixed, respondent_type=rtype)
    if dayfirst is not None:
        spec.dayfirst = dayfirst
    spec.instrument = f"{format}:{mapping.signature(format, columns)}"
    spec, note = mapping.resolve(spec, columns, options)
    warnings = [note] if note else []
    if after is not None:
        warnings += after(source, spec)
    if aggregates and spec.n and spec.library:
        # one row per library: a handful of rows, read as a frame
        build, frame = wide.to_aggregates, source.frame()
    else:
        build, frame = wide.to_result, source
    return build(
        frame,
        spec,
        path=path,
        encoding=sniffed.encoding,
        problems=problems,
        warnings=warnings,
        records=source.count() if records is None else records,
    )
