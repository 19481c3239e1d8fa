"""Wide survey exports (one row per respondent, one column per question) -> a ReadResult.

Every survey-tool reader (Qualtrics, SurveyMonkey, LimeSurvey, Google Forms, Microsoft Forms,
SurveyXact, generic wide) does only what is special about its tool: find the header, drop preview
and unfinished rows, name the metadata columns. The shared interpretation lives here:

1. :func:`classify` looks at the headers (da/en synonyms in ``vocab.WIDE_HEADERS``) and the cells
   and returns a :class:`WideSpec`: which column is the library, branch, date, respondent id,
   period, touchpoint or a segment; which columns are questions (:class:`ItemSpec`), free text
   (comments) or not stored at all (identity, staff demographics, tool metadata, categorical
   questions that are not a scale).
2. A reader (or a saved mapping profile, ``etl.mapping``) may correct the spec.
3. :func:`to_result` turns frame + spec into the canonical frames of ``etl.readers.base``;
   :func:`to_aggregates` does the same for one-row-per-unit sheets of means with an n column.

The table contract: the export's cells in DuckDB (``etl.source.Source``: final, unique headers,
``_record`` = the row number to show in messages, 1 = first data row); a reader may also hand over
a DataFrame of text cells, which is put there first. Roles are guessed from a sample of the rows
(all of them in a small file); each question is read from its distinct cells
(``etl.wide_values.interpret_distinct``), and the cells are joined to what they mean in SQL, so
the answers of a 400,000-row export never come to Python (the respondents' role columns do, as
vectorised columns). Reading the table itself (rows, header rows) is ``etl.tables``; the
readers' shared ending (classify, signature, mapping, result) is ``etl.wide_end``.

Stored values are always "higher = more positive": labels are mapped by their text (the label set
in ``vocab.LIKERT_SETS`` knows its direction), numeric codes are turned when the item says
``reversed`` (e.g. SurveyXact's 1 = "Helt enig") or the header says "1 = Helt enig". "Ved ikke",
N/A and similar become missing (an answer row with value NaN), blanks become no row at all.
NPS questions are 0-10; a 1-11 coding is shifted down by one.

Example (what the SurveyXact reader does with a dataset and its label file)::

    spec = wide.classify(frame, texts=question_texts, format="surveyxact")
    for item in spec.items:
        item.labels = value_labels.get(item.column)   # {"1": "Helt enig", ..., "9": "Ved ikke"}
    result = wide.to_result(frame, spec, path=path, encoding=sniffed.encoding)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from servicemirror import queries
from servicemirror.core import labels
from servicemirror.etl import vocab
from servicemirror.etl.answers import Answers
from servicemirror.etl.readers.base import (
    AGGREGATE_COLUMNS,
    COMMENT_COLUMNS,
    ITEM_COLUMNS,
    RESPONSE_COLUMNS,
    SEGMENT_COLUMNS,
    Problem,
    ReadResult,
    empty,
)
from servicemirror.etl.source import Source
from servicemirror.etl.wide_values import (
    NPS_SCALE,
    _label_values,
    guess_construct,
    header_hint,
    interpret_distinct,
    item_code,
    parse_dates,
)

# More than this share of distinct long answers makes a text column free text, not a category.
FREE_TEXT_UNIQUE_SHARE = 0.6
FREE_TEXT_MEAN_LENGTH = 25
# A column whose cells are at least this share numbers/labels/non-answers is a scale question.
SCALE_SHARE = 0.8


ROLE_FIELDS = ("library", "branch", "date", "respondent_id", "period", "touchpoint", "n")


@dataclass
class ItemSpec:
    """How one question column is read.

    ``item``: the item code (None: derived from the text by :func:`item_code`). ``scale_min``/
    ``scale_max``: None = detect from labels, header or answers. ``reversed``: True when numeric
    codes run from the most positive (1 = "Helt enig"), None = detect from the header. ``labels``:
    code -> answer text for code exports (SurveyXact, LimeSurvey answer codes), so the label text
    decides value and direction. ``nps``: a 0-10 recommend question (None = detect).
    """

    column: str
    item: str | None = None
    text: str | None = None
    construct: str | None = None
    scale_min: float | None = None
    scale_max: float | None = None
    reversed: bool | None = None
    labels: dict[str, str] | None = None
    touchpoint: str | None = None
    nps: bool | None = None


@dataclass
class WideSpec:
    """Which column of a wide table is what (all column names as in the frame).

    ``dropped`` maps a column that is not stored to the reason (identity, demographic, metadata,
    not a scale); ``comments`` are free-text columns. ``respondent_type`` is a guess (None =
    unknown: the loader asks for ``--as``). ``dayfirst``: how to read ambiguous dates like
    03/04/2024 (None = decide from the data, Danish day-first when nothing tells).
    """

    format: str
    library: str | None = None
    branch: str | None = None
    date: str | None = None
    respondent_id: str | None = None
    period: str | None = None
    touchpoint: str | None = None
    n: str | None = None
    segments: dict[str, str] = field(default_factory=dict)
    items: list[ItemSpec] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)
    respondent_type: str | None = None
    instrument: str | None = None
    dayfirst: bool | None = None

    def item(self, column: str) -> ItemSpec | None:
        """The item spec of a column, or None."""
        return next((i for i in self.items if i.column == column), None)

    def roles(self) -> dict[str, str]:
        """column -> role for every non-question column (library, date, segment:age_band, ...)."""
        out = {getattr(self, r): r for r in ROLE_FIELDS if getattr(self, r)}
        out.update({c: f"segment:{s}" for s, c in self.segments.items()})
        out.update({c: "comment" for c in self.comments})
        out.update({c: f"dropped:{why}" for c, why in self.dropped.items()})
        return out


# --------------------------------------------------------------------------- classification

# a reader's fixed role "metadata: <reason>": the tool's own field (an equation, a score), listed
# as metadata with the reason in ``load --dry-run --json`` columns, never an item
METADATA_BECAUSE = "metadata: "


def classify(
    frame: pd.DataFrame,
    *,
    format: str,
    texts: dict[str, str] | None = None,
    fixed: dict[str, str] | None = None,
    respondent_type: str | None = None,
) -> WideSpec:
    """Guess the role of every column of ``frame`` (see the module docstring).

    ``texts``: column -> question text where the export keeps it apart from the header (Qualtrics'
    second header row, LimeSurvey codes vs questions). ``fixed``: column -> role decided by the
    reader (``"metadata"``, ``"identity"``, ``"library"``, ``"date"``, ``"respondent_id"``,
    ``"comment"``, ...); those columns are not guessed. ``respondent_type``: known type, else
    guessed from the question wording (staff words vs patron words).
    """
    texts = texts or {}
    fixed = dict(fixed or {})
    spec = WideSpec(format=format)
    columns = [c for c in frame.columns if c != "_record"]
    question_text = {c: texts.get(c) or str(c) for c in columns}
    spec.respondent_type = respondent_type or guess_respondent_type(
        [question_text[c] for c in columns if c not in fixed]
    )
    for column in columns:
        role = fixed.get(column)
        if role is None:
            role = _header_role(column, texts.get(column), spec)
        _assign(spec, column, role)
    # what the headers did not settle is decided by the cells
    for column in columns:
        if column in spec.roles() or spec.item(column) is not None:
            continue
        text = question_text[column]
        kind = column_kind(frame[column], text)
        if kind == "scale":
            spec.items.append(ItemSpec(column=column, text=text))
        elif kind == "text":
            spec.comments.append(column)
        elif kind == "empty":
            spec.dropped[column] = "no answers"
        elif (
            spec.touchpoint is None
            and spec.respondent_type != "staff"
            and _is_touchpoint_column(frame[column])
        ):
            spec.touchpoint = column
        else:
            spec.dropped[column] = "not a scale question (categories or several choices)"
    return spec


def _header_role(column: str, text: str | None, spec: WideSpec) -> str | None:
    """A role from the header alone (None = look at the cells)."""
    header = str(column)
    # the id may be "Q4" and the text "Køn": either one makes the column private
    private = vocab.private_header(header, spec.respondent_type) or (
        vocab.private_header(text, spec.respondent_type) if text else None
    )
    role = vocab.wide_header(header) or (vocab.wide_header(text) if text else None)
    if private == "identity":
        return "identity"
    if role in SEGMENT_COLUMNS and spec.respondent_type == "patron":
        return role
    if private == "demographic" or role in SEGMENT_COLUMNS:
        # staff demographics are never stored; for an unknown type we stay on the safe side
        return "demographic"
    if role is not None:
        return role
    if vocab.has_word(text or header, vocab.COMMENT_HEADER_WORDS):
        return "comment"
    return None


def _assign(spec: WideSpec, column: str, role: str | None) -> None:
    """Record one column's role in the spec; a second column for a role is not stored."""
    if role is None:
        return
    if role in ROLE_FIELDS:
        if getattr(spec, role) is None:
            setattr(spec, role, column)
        else:
            spec.dropped[column] = f"a second {role} column ('{getattr(spec, role)}' is used)"
    elif role in SEGMENT_COLUMNS:
        spec.segments.setdefault(role, column)
    elif role == "comment":
        spec.comments.append(column)
    elif role == "item":
        spec.items.append(ItemSpec(column=column))
    else:
        spec.dropped[column] = role


def column_kind(raw: pd.Series, text: str | None = None) -> str:
    """'scale' (numbers or answer labels), 'text' (free text), 'category' or 'empty'."""
    cells = raw.dropna().astype(str).str.strip()
    cells = cells[cells != ""]
    if cells.empty:
        return "empty"
    distinct = pd.Series(cells.unique())
    substantive = distinct[~distinct.map(vocab.is_non_answer)]
    if substantive.empty:
        return "scale"
    parsed = _label_values(substantive)
    if parsed.notna().all():
        return "scale"
    # a scale column with a few stray texts is still a scale (the strays are rejected cell by cell)
    counts = cells.value_counts()
    readable = counts[parsed.set_axis(substantive.to_numpy()).dropna().index].sum()
    missing = counts[distinct[distinct.map(vocab.is_non_answer)].to_numpy()].sum()
    if readable and (readable + missing) / len(cells) >= SCALE_SHARE:
        return "scale"
    if vocab.has_word(text or "", vocab.COMMENT_HEADER_WORDS):
        return "text"
    share = len(distinct) / len(cells)
    if cells.str.len().mean() >= FREE_TEXT_MEAN_LENGTH or (
        len(cells) >= 5 and share > FREE_TEXT_UNIQUE_SHARE and not _is_multi_select(cells)
    ):
        return "text"
    return "category"


def _is_multi_select(cells: pd.Series) -> bool:
    """Checkbox answers joined by ';' or ',' that repeat the same few options."""
    for sep in (";", ","):
        joined = cells.str.contains(sep, regex=False)
        if joined.mean() >= 0.2:
            options = cells.str.split(sep).explode().str.strip()
            if options.nunique() <= max(3, len(options) // 3):
                return True
    return False


def _is_touchpoint_column(raw: pd.Series) -> bool:
    cells = pd.Series(raw.dropna().astype(str).unique())
    if cells.str.contains(";", regex=False).any():
        return False  # several choices in one cell: not the one service this response is about
    return bool(len(cells)) and cells.map(vocab.touchpoint_of).notna().mean() >= 0.8


RANKING_REASON = "ranking question (the order of options, not a rating)"

# a ranking is told from a battery by its rows: every answered row ranks distinct options; a few
# rows are needed before that is evidence rather than chance
MIN_RANKING_ROWS = 3


def ranking_columns(
    frame: pd.DataFrame, groups: dict[str, list[str]], *, ranks_held: bool
) -> dict[str, str]:
    """column -> :data:`RANKING_REASON` for every group of columns that is a ranking question.

    ``groups``: question -> its sub-columns, as the reader knows them (LimeSurvey ``Q5[1]``,
    ``Q5[2]``; Qualtrics ``Q7_1``..``Q7_n``; SurveyMonkey's option sub-row). ``ranks_held``: the
    cells hold rank numbers (Qualtrics, SurveyMonkey: each answered row is a permutation of 1..n
    over the options) rather than the option ranked at each place (LimeSurvey: the options of a
    row are distinct). Kept out of the items: a rank is not a score.
    """
    out: dict[str, str] = {}
    for columns in groups.values():
        if len(columns) >= 2 and _is_ranking(frame[columns], ranks_held):
            out.update(dict.fromkeys(columns, RANKING_REASON))
    return out


def _is_ranking(block: pd.DataFrame, ranks_held: bool) -> bool:
    cells = block.apply(lambda s: s.astype("string").str.strip()).replace("", pd.NA)
    rows = cells[cells.notna().sum(axis=1) >= 2]
    if len(rows) < MIN_RANKING_ROWS:
        return False
    # column pairs rather than a row-by-row loop: a battery shows a tie in some row at once
    width = rows.shape[1]
    for i in range(width):
        for j in range(i + 1, width):
            if (rows.iloc[:, i] == rows.iloc[:, j]).fillna(False).any():
                return False
    if not ranks_held:
        return True
    ranks = rows.apply(pd.to_numeric, errors="coerce")
    given = rows.notna()
    whole = ranks.notna() == given
    in_range = ((ranks % 1 == 0) & (ranks >= 1) & (ranks <= block.shape[1])) | ~given
    return bool(whole.all().all() and in_range.all().all())


def guess_respondent_type(texts: list[str]) -> str | None:
    """'staff' or 'patron' when the question wording clearly says so, else None."""
    staff = sum(vocab.has_word(t, vocab.STAFF_WORDS) for t in texts)
    patron = sum(vocab.has_word(t, vocab.PATRON_WORDS) for t in texts)
    if staff and not patron:
        return "staff"
    if patron and not staff:
        return "patron"
    if staff >= 3 * patron and staff:
        return "staff"
    if patron >= 3 * staff and patron:
        return "patron"
    return None


# --------------------------------------------------------------------------- cell values


def _start(
    spec: WideSpec,
    path: Path,
    encoding: str = "utf-8",
    problems: list[Problem] | None = None,
    warnings: list[str] | None = None,
    records: int = 0,
) -> ReadResult:
    """The ReadResult both endings fill in: what the file is, with the rows refused so far."""
    return ReadResult(
        path=path,
        format=spec.format,
        encoding=encoding,
        respondent_type=spec.respondent_type,
        instrument=spec.instrument,
        records=records,
        rejected=list(problems or []),
        warnings=list(warnings or []),
    )


def to_result(
    frame: pd.DataFrame | Source,
    spec: WideSpec,
    *,
    path: Path,
    encoding: str = "utf-8",
    problems: list[Problem] | None = None,
    warnings: list[str] | None = None,
    records: int | None = None,
) -> ReadResult:
    """The canonical ReadResult of a wide table (see the module docstring for the contract).

    ``frame``: the table's cells in DuckDB (:class:`etl.source.Source`), or a reader's frame of
    text cells, which is put there first: every wide export is read by the same SQL. Respondents
    whose row has no answer at all are left to the loader (it warns and does not count them).
    Repeated submissions (the same respondent id twice) keep the latest (by date, else the lower
    row) and list the others as rejected. Unknown answer texts and numbers outside the scale are
    rejected cell by cell; the rest of the respondent's answers load. The answers stay in DuckDB
    (``etl.answers.Answers``): one row per respondent is all that comes to Python.
    """
    source = frame if isinstance(frame, Source) else Source.from_frame(frame, Path(path).name)
    # a row refused before the wide step (a preview, an unfinished response) was a record too
    if records is None:
        records = source.count() + len(problems or [])
    result = _start(spec, Path(path), encoding, problems, warnings, records)
    path = result.path
    if source.count() == 0:
        return result
    _drop_repeats(source, spec, result)
    other = library_other_column(spec)
    roles = [spec.respondent_id, spec.library, other, spec.branch, spec.period, spec.date]
    roles += [spec.touchpoint, *spec.segments.values()]
    # one row per respondent, only the columns with a role; strings as they come from Arrow
    frame = source.frame(list(dict.fromkeys(c for c in roles if c)), cells=False)
    rows = frame["_record"].astype("int64")
    responses = pd.DataFrame({"row": rows.to_numpy()}, index=frame.index)
    responses["respondent_id"] = _id_column(frame, spec.respondent_id)
    responses["library"] = _text_column(frame, spec.library)
    if other is not None:
        # "Other (please specify)" under the library question: the typed name goes through the
        # same name matching as a chosen one (it used to drop the whole response)
        typed = _text_column(frame, other)
        chosen = responses["library"]
        use_typed = typed.notna() & (chosen.isna() | chosen.map(_is_other_option))
        responses["library"] = chosen.where(~use_typed, typed)
        spec.comments = [c for c in spec.comments if c != other]
    responses["branch"] = _text_column(frame, spec.branch)
    responses["period"] = _text_column(frame, spec.period)
    if spec.date:
        submitted = parse_dates(frame[spec.date], spec.dayfirst)
        _placeholder_dates(submitted, frame[spec.date], spec.date, result)
        responses["submitted_at"] = submitted
    else:
        responses["submitted_at"] = pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns]")
    touch = _text_column(frame, spec.touchpoint)
    responses["touchpoint"] = _per_distinct(touch, lambda t: vocab.touchpoint_of(t) if t else None)
    for segment, column in spec.segments.items():
        responses[segment] = _text_column(frame, column)
    result.responses = responses[RESPONSE_COLUMNS + list(spec.segments)].reset_index(drop=True)
    items, maps = [], []
    codes: set[str] = set()
    scale_sources: dict[str, str] = {}
    present = []
    for item in spec.items:
        if item.column not in source.columns:
            result.warnings.append(
                labels.Note.of("note_mapping_column_missing", column=labels.clip(item.column))
            )
        else:
            present.append(item)
    distinct = source.distinct([i.column for i in present])
    for order, item in enumerate(present):
        cells = distinct[item.column]["cell"].astype(str)
        stripped = cells.str.strip()
        answered = stripped != ""
        read = interpret_distinct(
            pd.Series(stripped[answered].unique(), dtype="object"), item, spec.respondent_type
        )
        text = item.text or item.column
        code = item.item or item_code(text, spec.respondent_type)
        code = _unique(code, codes)
        construct = item.construct or guess_construct(text, read.nps, spec.respondent_type)
        touchpoint = item.touchpoint or (
            vocab.touchpoint_of(text) if construct == "touchpoint" else None
        )
        if read.how == "answers" and item.scale_min is None:
            result.warnings.append(
                labels.Note.of(
                    "note_scale_guessed",
                    column=labels.clip(item.column),
                    lo=f"{read.scale_min:g}",
                    hi=f"{read.scale_max:g}",
                )
            )
        scale_sources[item.column] = SCALE_SOURCES.get(read.how, read.how)
        maps.append(
            _value_map(source, item, code, order, cells[answered], stripped[answered], read)
        )
        items.append(
            {
                "column": item.column,
                "item": code,
                "construct": construct,
                "text": text,
                "scale_min": read.scale_min,
                "scale_max": read.scale_max,
                "touchpoint": touchpoint,
                "reversed": read.reversed,
            }
        )
    if items:
        _engine_answers(source, present, maps, result)
        result.answers.rows = rows.to_numpy()  # the records unpivoted: no answer lies outside
        result.items = pd.DataFrame(items, columns=ITEM_COLUMNS)
    result.comments = _comments(source, spec)
    result.columns = column_table(source.columns, spec, result.items, scale_sources)
    _drop_unanswered(result)
    for column, why in spec.dropped.items():
        if why.startswith("not a scale"):
            result.warnings.append(labels.Note.of("note_not_a_scale", column=labels.clip(column)))
    return result


# what the SQL calls a cell that is not stored (queries/wide_cell_problems.sql), in the order
# the problems of one question are told
_FLAGS = ("unknown", "decimal", "out")


def _value_map(source, item, code, order, cells, stripped, read) -> pd.DataFrame:
    """What each distinct cell of one question column means: the rows of ``value_map``."""
    per = pd.DataFrame(
        {
            "key": read.cells.astype(str).to_numpy(),
            "value": read.values.to_numpy(),
            "flag": np.select(
                [read.unknown.to_numpy(), read.decimal.to_numpy(), read.out_of_range.to_numpy()],
                list(_FLAGS),
                "ok",
            ),
        }
    ).drop_duplicates("key")
    mapped = pd.DataFrame({"cell": cells.to_numpy(), "key": stripped.to_numpy()})
    mapped = mapped.merge(per, on="key", how="left")
    return mapped.assign(
        col=source.sql_name(item.column),
        column=item.column,
        item=code,
        ord=order,
        scale_min=read.scale_min,
        scale_max=read.scale_max,
    ).drop(columns=["key"])


def _engine_answers(source: Source, items: list, maps: list, result: ReadResult) -> None:
    """The answers of every question column, joined in SQL to the value map of their cells
    (``queries/wide_answers.sql``); the cells that are no answer become problems one by one."""
    value_map = pd.concat(maps, ignore_index=True)
    value_map["value"] = value_map["value"].astype("float64")
    columns = [source.sql_name(i.column) for i in items]
    source.con.register("value_map", value_map)
    try:
        bad = source.con.execute(queries.sql("wide_cell_problems"), {"columns": columns}).df()
        queries.execute(source.con, "wide_answer_map")
        queries.execute(source.con, "wide_answers", columns=columns)
    finally:
        source.con.unregister("value_map")
    name = result.path.name
    for r in bad.itertuples():
        if r.flag == "unknown":
            key, fields = "reason_not_a_label_cell", {}
        elif r.flag == "decimal":
            key, fields = "reason_decimal_answer", {}
        else:
            key, fields = (
                "reason_outside_scale",
                {"lo": f"{r.scale_min:g}", "hi": f"{r.scale_max:g}"},
            )
        result.rejected.append(
            Problem.of(name, int(r.row), r.column, labels.clip(r.value), key, **fields)
        )
    result.answers = Answers(source.con)


SCALE_SOURCES = {
    "labels": "labels",
    "codes with labels": "labels",
    "header": "header",
    "answers": "guess",
    "recommend": "recommend question (0-10)",
    "given": "given",
}

# what the dry-run table calls each spec role
_ROLE_OF = {
    "library": "library",
    "branch": "library",
    "date": "date",
    "period": "date",
    "respondent_id": "metadata",
    "touchpoint": "segment",
    "n": "metadata",
}


def column_table(
    columns: list[str], spec: WideSpec, items: pd.DataFrame, scale_sources: dict[str, str]
) -> list[dict]:
    """One row per column of the file: what it was read as and why (``load --dry-run --json``).

    ``role`` is item, metadata, comment, segment, library, date or ignored; an item carries its
    code, construct, scale and where the scale came from (labels, header, guess, given).
    """
    by_column = {r.column: r for r in items.itertuples()} if not items.empty else {}
    roles = spec.roles()
    out = []
    for column in (c for c in columns if c != "_record"):
        row = {
            "column": column,
            "role": "ignored",
            "item": None,
            "construct": None,
            "scale": None,
            "scale_source": None,
            "reason": None,
        }
        if column in by_column:
            item = by_column[column]
            row.update(
                role="item",
                item=item.item,
                construct=item.construct,
                scale=f"{item.scale_min:g}-{item.scale_max:g}",
                scale_source=scale_sources.get(column),
            )
        elif column in roles:
            role = roles[column]
            if role.startswith("segment:"):
                row.update(role="segment", reason=role.split(":", 1)[1])
            elif role.startswith("dropped:"):
                why = role.split(":", 1)[1]
                if why.startswith(METADATA_BECAUSE):  # metadata with the reader's reason
                    row.update(role="metadata", reason=why[len(METADATA_BECAUSE) :])
                else:
                    row.update(role="metadata" if why == "metadata" else "ignored", reason=why)
            elif role == "comment":
                row["role"] = "comment"
            else:
                row.update(role=_ROLE_OF.get(role, "metadata"), reason=role)
        else:
            row["reason"] = "not read"
        out.append(row)
    return out


_OTHER_OPTIONS = {
    "other",
    "andet",
    "other (please specify)",
    "other, please specify",
    "andet (angiv venligst)",
    "andet (angiv)",
    "andet, angiv",
    "andet, nemlig",
}


def _is_other_option(text) -> bool:
    return isinstance(text, str) and vocab.normalise_label(text) in {
        vocab.normalise_label(o) for o in _OTHER_OPTIONS
    }


def library_other_column(spec: WideSpec) -> str | None:
    """The "Other (please specify)" text column of the library question, if the export has one.

    SurveyMonkey names it "<question> [Other (please specify)]"; Qualtrics "<id>_<n>_TEXT" beside
    the library question's id.
    """
    if spec.library is None:
        return None
    for column in spec.comments:
        if column.startswith(f"{spec.library} [") and _is_other_option(
            column[len(spec.library) + 2 :].rstrip("]")
        ):
            return column
        if re.fullmatch(rf"{re.escape(spec.library)}_\d+_TEXT", column, flags=re.IGNORECASE):
            return column
    return None


def _drop_unanswered(result: ReadResult) -> None:
    """Respondents without one valid rating are not responses (docs/formats/README.md).

    A comment alone or categorical answers alone do not make a response (SurveyMonkey also keeps
    respondents who answered nothing as rows of blanks).
    """
    answered = Answers.of(result.answers).answered_rows()
    nothing = ~result.responses["row"].isin(answered)
    if nothing.any():
        result.responses = result.responses[~nothing].reset_index(drop=True)
        result.warnings.append(labels.Note.of("note_answered_nothing", count=int(nothing.sum())))


def _text_column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """A column's cells as trimmed text (object dtype), None for a blank or missing cell.

    Trimmed once per distinct cell and spread back by code: a library column of 400,000
    respondents holds about a hundred names, and one Python string per row cost more than the
    trimming."""
    if column is None or column not in frame.columns:
        return pd.Series([None] * len(frame), index=frame.index, dtype="object")
    codes, uniques = pd.factorize(frame[column].astype("string"))
    text = pd.Series(uniques, dtype="string").str.strip()
    keep = (text.notna() & (text != "")).fillna(False).astype(bool)
    # code -1 (a missing cell) takes the None after the distinct cells
    kept = np.append(text.astype("object").where(keep, None).to_numpy(dtype=object), None)
    return pd.Series(kept[codes], index=frame.index, dtype="object")


def _per_distinct(values: pd.Series, fn) -> pd.Series:
    """``values.map(fn)`` with ``fn`` called once per distinct value (None included), the
    result typed as ``Series.map`` types it."""
    codes, uniques = pd.factorize(values)
    mapped = np.array([*(fn(u) for u in uniques), fn(None)], dtype=object)
    return pd.Series(mapped[codes], index=values.index)


def _id_column(frame: pd.DataFrame, column: str | None) -> pd.Series:
    """The respondent ids trimmed like :func:`_text_column`, but kept as pandas' Arrow-backed
    strings (NA for a blank): an id only goes back to DuckDB to be hashed where the responses
    are written (queries/new_responses_hashed.sql), so 400,000 of them never become Python
    strings and back."""
    if column is None or column not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    text = frame[column].astype("string").str.strip()
    return text.where((text != "").fillna(False).astype(bool))


def _unique(code: str, taken: set[str]) -> str:
    candidate, n = code, 2
    while candidate in taken:
        candidate, n = f"{code}-{n}", n + 1
    taken.add(candidate)
    return candidate


def _placeholder_dates(submitted: pd.Series, raw: pd.Series, column: str, result) -> None:
    """Anonymised surveys write 1980-01-01 (LimeSurvey) for every date: not a real date."""
    placeholder = submitted.dt.year.lt(1990) & submitted.notna()
    if placeholder.any():
        submitted[placeholder] = pd.NaT
        result.warnings.append(
            labels.Note.of(
                "note_placeholder_dates", column=labels.clip(column), count=int(placeholder.sum())
            )
        )
    unread = submitted.isna() & raw.notna() & ~placeholder
    if unread.any():
        result.warnings.append(
            labels.Note.of(
                "note_unread_dates",
                column=labels.clip(column),
                count=int(unread.sum()),
                example=labels.clip(raw[unread].iloc[0]),
            )
        )


def _drop_repeats(source: Source, spec: WideSpec, result: ReadResult) -> None:
    """Repeated submissions of one respondent id: the latest stays, the others are told and
    leave the source."""
    if spec.respondent_id is None or spec.respondent_id not in source.columns:
        return
    if source.all_different(spec.respondent_id):
        return  # asked in SQL: a 400,000-row export of distinct ids never comes to Python here
    frame = source.frame([spec.respondent_id])
    ids = _text_column(frame, spec.respondent_id)
    if ids.notna().sum() == ids.dropna().nunique():
        return
    order = frame[["_record"]].assign(_id=ids)
    if spec.date:
        order["_date"] = parse_dates(source.column(spec.date), spec.dayfirst).to_numpy()
        order = order.sort_values(["_date", "_record"], na_position="first")
    else:
        order = order.sort_values("_record")
    last = order.dropna(subset=["_id"]).groupby("_id")["_record"].transform("last")
    repeated = order.dropna(subset=["_id"])
    repeated = repeated[repeated["_record"] != last[repeated.index]]
    for rec, keep in zip(repeated["_record"], last[repeated.index], strict=True):
        result.rejected.append(
            Problem.of(
                result.path.name,
                int(rec),
                spec.respondent_id,
                None,
                "reason_repeated_submission",
                later=int(keep),
            )
        )
    source.drop_records(repeated["_record"])


def _comments(source: Source, spec: WideSpec) -> pd.DataFrame:
    """The free-text answers of the comment columns (non-answers such as "Nej tak" left out)."""
    if not spec.comments:
        return empty(COMMENT_COLUMNS)
    cells = source.cells(list(dict.fromkeys(c for c in spec.comments if c in source.columns)))
    text = cells["cell"].astype("string").str.strip()
    text = text.astype("object").where((text.notna() & (text != "")).fillna(False), None)
    keep = text.notna() & ~text.map(lambda t: vocab.is_non_answer(t) if t else True)
    if not keep.any():
        return empty(COMMENT_COLUMNS)
    kept = cells[keep]
    return pd.DataFrame(
        {
            "row": kept["_record"].astype("int64").to_numpy(),
            "column": kept["column"].to_numpy(),
            "item": kept["column"].map(item_code).to_numpy(),
            "text": text[keep].to_numpy(),
        }
    )[COMMENT_COLUMNS]


# --------------------------------------------------------------------------- aggregates


def to_aggregates(frame: pd.DataFrame, spec: WideSpec, **source) -> ReadResult:
    """One row per library (hand-made sheets): item columns hold means, ``spec.n`` the n.

    ``source``: the keywords of :func:`to_result` (path, and optionally encoding, problems,
    warnings, records). Returns a ReadResult with ``aggregates`` (one row per library x item with a
    mean) and ``items``. A mean outside the item's scale or a missing n rejects that cell with its
    row.
    """
    source.setdefault("records", len(frame))
    result = _start(spec, Path(source.pop("path")), **source)
    path = result.path
    if frame.empty or spec.n is None:
        return result
    rows = frame["_record"].astype("int64")
    n = _numbers(frame[spec.n])
    bad_n = n.isna() | (n <= 0)
    for row in rows[bad_n]:
        result.rejected.append(Problem.of(path.name, int(row), spec.n, None, "reason_n_positive"))
    parts, items, codes = [], [], set()
    for item in spec.items:
        means = _numbers(frame[item.column])
        text = item.text or item.column
        lo, hi, hint_reversed = header_hint(text)
        if item.scale_min is not None and item.scale_max is not None:
            lo, hi = float(item.scale_min), float(item.scale_max)
        elif lo is None:
            top = means.max()
            lo, hi = (1.0, 5.0) if top <= 5 else (1.0, 7.0) if top <= 7 else NPS_SCALE
            result.warnings.append(
                labels.Note.of(
                    "note_scale_guessed_means",
                    column=labels.clip(item.column),
                    lo=f"{lo:g}",
                    hi=f"{hi:g}",
                )
            )
        reversed_codes = bool(item.reversed if item.reversed is not None else hint_reversed)
        outside = means.notna() & ((means < lo) | (means > hi))
        for row, value in zip(rows[outside], frame.loc[outside, item.column], strict=True):
            result.rejected.append(
                Problem.of(
                    path.name,
                    int(row),
                    item.column,
                    str(value),
                    "reason_mean_outside_scale",
                    lo=f"{lo:g}",
                    hi=f"{hi:g}",
                )
            )
        keep = means.notna() & ~outside & ~bad_n
        value = lo + hi - means if reversed_codes else means
        code = _unique(item.item or item_code(text, spec.respondent_type), codes)
        nps = bool(vocab.has_word(text, vocab.RECOMMEND_WORDS) and (lo, hi) == NPS_SCALE)
        parts.append(
            pd.DataFrame(
                {
                    "row": rows[keep].to_numpy(),
                    "library": _text_column(frame, spec.library)[keep].to_numpy(),
                    "branch": _text_column(frame, spec.branch)[keep].to_numpy(),
                    "period": _text_column(frame, spec.period)[keep].to_numpy(),
                    "respondent_type": spec.respondent_type,
                    "item": code,
                    "n": n[keep].round().astype("int64").to_numpy(),
                    "mean": value[keep].to_numpy(),
                    "sd": np.nan,
                    "response_rate": np.nan,
                    "distribution": None,
                    "scale_min": lo,
                    "scale_max": hi,
                }
            )
        )
        items.append(
            {
                "column": item.column,
                "item": code,
                "construct": item.construct or guess_construct(text, nps, spec.respondent_type),
                "text": text,
                "scale_min": lo,
                "scale_max": hi,
                "touchpoint": item.touchpoint,
                "reversed": reversed_codes,
            }
        )
    if parts:
        result.aggregates = pd.concat(parts, ignore_index=True)[AGGREGATE_COLUMNS]
        result.items = pd.DataFrame(items, columns=ITEM_COLUMNS)
    return result


def _numbers(raw: pd.Series) -> pd.Series:
    """Numbers with a decimal comma or point ("3,8", "4.25", " 12 "); NaN otherwise."""
    text = raw.astype("string").str.strip().str.replace(r"\s", "", regex=True)
    numeric = text.str.match(r"^[-+]?\d+(?:[.,]\d+)?$").fillna(False).astype(bool)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    out[numeric] = text[numeric].str.replace(",", ".", regex=False).astype("float64")
    return out


# --------------------------------------------------------------------------- reading tables
# Readers share these: header rows are read as data (header=False) so each tool can take as many
# header rows as it has (Qualtrics 3, SurveyMonkey 2) and name the columns itself.
