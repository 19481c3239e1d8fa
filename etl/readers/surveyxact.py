"""Rambøll SurveyXact exports -> responses and answers (docs/formats/surveyxact.md).

SurveyXact exports a survey as three tables (as the public readSX package documents and tests,
github.com/NIFU-NO/readSX): ``dataset`` (one row per respondent, one column per variable, answers
as numeric codes), ``labels`` (no header: variable; code; label) and ``structure`` (questionName;
variableName; questionType; subType; questionText; choiceValue; choiceText). They come as CSV
files in one folder (semicolon + cp1252, semicolon + UTF-8 with BOM, or tab + UTF-16), zipped,
or as one Excel workbook with the sheets Dataset, Labels and Structure.

Upload the .zip or the .xlsx, or point at ``dataset.csv``: its ``labels.csv`` and
``structure.csv`` beside it are read too. Without labels the codes are taken as values (a warning
says so).

Interpretation:
- Only completed responses count: the "Samlet status" variable (``stato_1``..``stato_5`` as 0/1
  columns, or one ``statoverall`` code) must say Gennemført.
- A closed single-choice question whose labels are a known Likert set (vocab.LIKERT_SETS) is an
  item; the labels decide the direction, so a scale printed with 1 = "Helt enig" is turned and
  stored higher = more positive. Labels that are numbers ("0 - Slet ikke sandsynligt" .. "10")
  give the value (SurveyXact codes a 0-10 scale 1..11). "Ved ikke" and other non-answers are
  missing, never a score. Other closed questions (categories, multiple choice) are not items.
- The library (and branch) come from a background question named Bibliotek/Enhed/Arbejdssted
  (Filial/Afdeling), its labels giving the names; the date from a date variable (DD-MM-YYYY or
  DD.MM.YYYY) gives the period.
- Identity columns (name, e-mail, phone, IP) are never read into the result; open answers become
  comments (staff text is dropped by the loader unless asked for).
"""

from __future__ import annotations

import hashlib
import re
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
import pandas as pd

from servicemirror.core import labels as label_table
from servicemirror.etl import csvio, values, vocab, wide_values
from servicemirror.etl.detect import Sniffed, scratch_folder, sniff, to_utf8
from servicemirror.etl.readers.base import Problem, ReadError, ReadResult

FORMAT = "surveyxact"
PARTS = ("dataset", "labels", "structure")
# zip limits: an export is three files of a few MB; anything far beyond is not one
MAX_MEMBERS = 50
MAX_UNCOMPRESSED = 512 * 1024 * 1024
# "Samlet status" as 0/1 flags: stato_1..stato_5 or, in newer exports, statoverall_1..5
STATUS_COLUMN = re.compile(r"^stat(?:o|overall)_(\d)$", re.IGNORECASE)
# SurveyXact's other status flags (statcollect_N, statcompletion_N, statcreation_N, statsource_N,
# statdistribution_N, statinternal_N): metadata, never questions
STATUS_METADATA = re.compile(
    r"^stat(?:collect|completion|creation|distribution|source|internal)_\d+$", re.IGNORECASE
)
LIBRARY_WORDS = ("bibliotek", "library", "arbejdssted", "enhed", "workplace")
BRANCH_WORDS = ("filial", "afdeling", "branch")
DATE_WORDS = ("dato", "date", "tidspunkt", "afsluttet", "besvaret", "svartid", "sluttid")
IDENTITY_WORDS = ("navn", "name", "e-mail", "email", "mail", "telefon", "phone", "mobil", "ip")
ID_WORDS = ("respondentid", "respondent id", "respondent", "svarid", "id")
ENPS_WORDS = ("arbejdsplads", "arbejdsgiver", "workplace", "employer")
_LEADING_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\b")


# --------------------------------------------------------------------------- finding the parts


def _part_name(name: str) -> str | None:
    """dataset | labels | structure for a file or member name, else None."""
    stem = PurePosixPath(name.replace("\\", "/")).name.lower()
    for part in PARTS:
        if stem.startswith(part) and stem.endswith((".csv", ".txt")):
            return part
    if stem.startswith("variables") and stem.endswith((".csv", ".txt")):
        return "structure"
    return None


def _siblings(path: Path) -> dict[str, Path]:
    """The export's parts in the folder of ``path`` (a dataset.csv)."""
    found: dict[str, Path] = {}
    for candidate in sorted(path.parent.iterdir()):
        part = _part_name(candidate.name)
        if part and part not in found and candidate.is_file():
            found[part] = candidate
    found["dataset"] = path
    return found


def _zip_members(path: Path) -> dict[str, zipfile.ZipInfo]:
    """The export's parts in a zip, checked against the zip limits; ReadError if unsafe."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ReadError.of("read_sx_damaged_zip", file=path.name) from None
    if len(infos) > MAX_MEMBERS:
        raise ReadError.of("read_sx_zip_members", file=path.name, count=len(infos))
    if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise ReadError.of("read_sx_zip_too_large", file=path.name, limit=MAX_UNCOMPRESSED >> 20)
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        part = _part_name(info.filename)
        if part and part not in found and not info.is_dir():
            found[part] = info
    return found


def _unzip(path: Path, members: dict[str, zipfile.ZipInfo], workdir: Path) -> dict[str, Path]:
    """Copy the parts out of the zip under fixed names (member names are never used as paths)."""
    out: dict[str, Path] = {}
    with zipfile.ZipFile(path) as zf:
        for part, info in members.items():
            target = workdir / f"{part}.csv"
            budget = info.file_size + 1
            with zf.open(info) as src, target.open("wb") as dst:
                # never write more than the member declared: a lying archive stops here
                while budget > 0 and (chunk := src.read(min(1 << 20, budget))):
                    budget -= len(chunk)
                    dst.write(chunk)
            if budget <= 0:
                raise ReadError.of("read_sx_member_larger", file=path.name)
            out[part] = target
    return out


def _xlsx_sheets(path: Path) -> dict[str, str]:
    from python_calamine import CalamineWorkbook

    names = CalamineWorkbook.from_path(str(path)).sheet_names
    found = {}
    for name in names:
        low = name.strip().lower()
        for part in PARTS:
            if low.startswith(part) and part not in found:
                found[part] = name
        if low.startswith("variables") and "structure" not in found:
            found["structure"] = name
    return found


# --------------------------------------------------------------------------- detection


def detect(sniffed: Sniffed, path: Path) -> float:
    """0.95 for a SurveyXact zip or workbook, 0.9 for a dataset with status columns or siblings."""
    path = Path(path)
    if sniffed.kind == "zip":
        try:
            return 0.95 if "dataset" in _zip_members(path) else 0.0
        except ReadError:
            return 0.0
    if sniffed.kind == "xlsx":
        try:
            sheets = _xlsx_sheets(path)
        except (OSError, ValueError, RuntimeError):
            return 0.0
        return 0.95 if {"dataset", "labels"} <= set(sheets) else 0.0
    if sniffed.kind != "csv" or not sniffed.head or sniffed.delimiter is None:
        return 0.0
    header = [
        h.strip().strip('"').lstrip("\ufeff").lower()
        for h in sniffed.head[0].split(sniffed.delimiter)
    ]
    if sum(bool(STATUS_COLUMN.match(h)) for h in header) >= 4 or "statoverall" in header:
        return 0.9
    if _part_name(path.name) == "dataset" and {"labels", "structure"} & set(_siblings(path)):
        return 0.9
    return 0.0


# --------------------------------------------------------------------------- reading


def read(path: Path, sniffed: Sniffed, options) -> ReadResult:
    """A SurveyXact export (zip, workbook, or dataset.csv with its siblings) -> ReadResult."""
    path = Path(path)
    # unpacked and converted copies hold respondents' answers: the folder goes when the block ends
    with scratch_folder("servicemirror-sx-") as workdir:
        if sniffed.kind == "xlsx":
            tables, problems, encoding = _read_workbook(path)
        else:
            if sniffed.kind == "zip":
                members = _zip_members(path)
                if "dataset" not in members:
                    raise ReadError.of("read_sx_no_dataset", file=path.name)
                parts = _unzip(path, members, workdir)
            else:
                parts = _siblings(path)
            tables, problems, encoding = _read_parts(parts, path.name, workdir)
    return _interpret(path, tables, problems, encoding)


def _read_parts(
    parts: dict[str, Path], name: str, workdir: Path
) -> tuple[dict[str, pd.DataFrame], list[Problem], str]:
    tables: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    encoding = "utf-8"
    for part, file in parts.items():
        sniffed = sniff(file)
        if sniffed.kind != "csv":
            raise ReadError.of("read_sx_part_not_csv", file=name, part=part)
        (workdir / part).mkdir(exist_ok=True)
        utf8 = to_utf8(file, sniffed.encoding, workdir / part)
        frame, found = csvio.read_text_table(
            utf8,
            sniffed.delimiter or ";",
            header=part != "labels",
            display_name=f"{name} ({part})" if part != "dataset" else name,
        )
        tables[part] = frame
        if part == "dataset":
            problems, encoding = found, sniffed.encoding
    return tables, problems, encoding


def _read_workbook(path: Path) -> tuple[dict[str, pd.DataFrame], list[Problem], str]:
    sheets = _xlsx_sheets(path)
    if "dataset" not in sheets:
        raise ReadError.of("read_sx_no_dataset_sheet", file=path.name)
    tables = {}
    for part, sheet in sheets.items():
        frame = pd.read_excel(
            path,
            sheet_name=sheet,
            header=None if part == "labels" else 0,
            engine="calamine",
            dtype=object,
        )
        frame = frame.map(_cell).astype(object)
        frame = frame.where(frame.notna(), None)
        if part == "labels":
            frame.columns = [f"column{i}" for i in range(frame.shape[1])]
        else:
            frame.columns = [str(c).strip() for c in frame.columns]
        frame.insert(0, "_record", range(1, len(frame) + 1))
        tables[part] = frame
    return tables, [], "binary"


def _cell(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() or None


# --------------------------------------------------------------------------- interpretation


def _labels(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, str]]:
    """variable -> {code: label} from the labels table (no header; 3 columns)."""
    frame = tables.get("labels")
    if frame is None or frame.shape[1] < 4:
        return {}
    var, code, label = frame.columns[1:4]
    frame = frame[[var, code, label]].dropna(subset=[var, code])
    # SurveyXact sometimes writes a header line into labels.csv: codes are numbers
    frame = frame[frame[code].astype(str).str.strip().str.fullmatch(r"-?\d+")]
    out: dict[str, dict[str, str]] = {}
    for v, c, lab in frame.itertuples(index=False):
        out.setdefault(str(v).strip().lower(), {})[str(c).strip()] = (
            str(lab).strip() if lab is not None else ""
        )
    return out


def _structure(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """variableName (lower) -> questionType, subType, questionText (one row per variable)."""
    frame = tables.get("structure")
    wanted = ["variableName", "questionType", "subType", "questionText", "choiceText"]
    if frame is None:
        return pd.DataFrame(columns=wanted).set_index("variableName")
    lower = {str(c).strip().lower(): c for c in frame.columns}
    if "variablename" not in lower:
        return pd.DataFrame(columns=wanted).set_index("variableName")
    out = pd.DataFrame({w: frame[lower[w.lower()]] if w.lower() in lower else None for w in wanted})
    out["variableName"] = out["variableName"].astype(str).str.strip().str.lower()
    # a multiple-choice variable's text is "question - choice" (as readSX builds it)
    multi = out["subType"].astype(str).str.lower().eq("multiple") & out["choiceText"].notna()
    out.loc[multi, "questionText"] = (
        out.loc[multi, "questionText"].astype(str)
        + " - "
        + out.loc[multi, "choiceText"].astype(str)
    )
    return out.drop_duplicates("variableName").set_index("variableName")


def _scale_of(labels: dict[str, str]) -> tuple[dict[str, float], float, float, bool] | None:
    """(code -> value, scale min, max, reversed) for a rating question's labels, or None.

    Non-answers ("Ved ikke") map to NaN. Labels that are numbers give their number; Likert words
    give their position, most negative = 1, so a 1 = "Helt enig" scale comes out turned.
    """
    substantive = {c: lab for c, lab in labels.items() if not vocab.is_non_answer(lab)}
    missing = {c: np.nan for c in labels if c not in substantive}
    if len(substantive) < 2:
        return None
    numbers = {c: _LEADING_NUMBER.match(lab) for c, lab in substantive.items()}
    if all(numbers.values()):
        mapping = {c: float(m.group(1).replace(",", ".")) for c, m in numbers.items()}
        lo, hi = min(mapping.values()), max(mapping.values())
        return mapping | missing, lo, hi, False
    match = vocab.match_scale(list(substantive.values()))
    if match is None:
        return None
    scale, points = match
    mapping = {c: vocab.label_value(lab, scale) for c, lab in substantive.items()}
    if any(v is None for v in mapping.values()):
        return None
    codes = sorted(substantive, key=lambda c: float(c))
    reversed_ = mapping[codes[0]] > mapping[codes[-1]]
    return mapping | missing, 1.0, float(points), reversed_


def _has(text: str, words: tuple[str, ...]) -> bool:
    norm = vocab.normalise_label(text)
    return any(re.search(rf"(^|\W){re.escape(w)}(\W|$)", norm) for w in words)


def _interpret(
    path: Path, tables: dict[str, pd.DataFrame], problems: list[Problem], encoding: str
) -> ReadResult:
    name = path.name
    data = tables["dataset"]
    result = ReadResult(path=path, format=FORMAT, encoding=encoding, rejected=problems)
    result.records = len(data) + len(problems)
    labels = _labels(tables)
    structure = _structure(tables)
    if not labels:
        result.warnings.append(label_table.Note.of("note_sx_no_labels"))
    columns = [c for c in data.columns if c != "_record"]
    by_lower = {c.strip().lower(): c for c in columns}

    def text_of(var: str) -> str:
        key = var.strip().lower()
        if key in structure.index and isinstance(structure.loc[key, "questionText"], str):
            return structure.loc[key, "questionText"]
        return var

    def kind_of(var: str) -> tuple[str, str]:
        key = var.strip().lower()
        if key in structure.index:
            row = structure.loc[key]
            return str(row["questionType"] or "").lower(), str(row["subType"] or "").lower()
        return "", ""

    # --- completed responses only
    status = {int(m.group(1)): by_lower[c] for c in by_lower if (m := STATUS_COLUMN.match(c))}
    if status:
        done_col = status.get(vocab.SURVEYXACT_COMPLETED_STATUS)
        completed = (
            data[done_col].astype("string").str.strip().eq("1").fillna(False)
            if done_col
            else pd.Series(False, index=data.index)
        )
    elif "statoverall" in by_lower:
        col = by_lower["statoverall"]
        words = {vocab.normalise_label(w) for w in vocab.SURVEYXACT_STATUS_LABELS[4]}
        coded = data[col].astype("string").str.strip()
        label_map = labels.get("statoverall", {})
        as_label = coded.map(lambda c: label_map.get(c, c) if c is not pd.NA else None)
        completed = as_label.map(lambda x: x is not None and vocab.normalise_label(x) in words)
        completed = completed | coded.eq(str(vocab.SURVEYXACT_COMPLETED_STATUS)).fillna(False)
    else:
        completed = pd.Series(True, index=data.index)
        result.warnings.append(label_table.Note.of("note_sx_no_status"))
    not_done = int((~completed).sum())
    if not_done:
        result.warnings.append(label_table.Note.of("note_sx_not_completed", count=not_done))
        # each left-out row is counted in the report's rejected list with its reason
        for row in data.loc[~completed.astype(bool), "_record"]:
            result.rejected.append(Problem.of(name, int(row), None, None, "reason_not_completed"))
    data = data[completed.astype(bool)]

    # --- roles of the columns
    skip = {
        by_lower[c]
        for c in by_lower
        if STATUS_COLUMN.match(c) or STATUS_METADATA.match(c) or c == "statoverall"
    }
    library_col = branch_col = date_col = id_col = None
    items: list[dict] = []
    comment_cols: list[str] = []
    not_items: list[str] = []
    for col in columns:
        if col in skip:
            continue
        var_labels = labels.get(col.strip().lower(), {})
        text = text_of(col)
        qtype, subtype = kind_of(col)
        probe = f"{col} {text}"
        if _has(probe, IDENTITY_WORDS):
            continue  # names, e-mails, phones, IPs are never read
        if vocab.private_header(col, "staff") or vocab.private_header(text, "staff"):
            # staff background (anciennitet, køn, alder) is never a rating, whatever its codes
            not_items.append(col)
            continue
        if library_col is None and _has(probe, LIBRARY_WORDS) and not _scale_of(var_labels):
            library_col = col
            continue
        if branch_col is None and _has(probe, BRANCH_WORDS) and not _scale_of(var_labels):
            branch_col = col
            continue
        # date words hide inside names ("svardato", "Besvarelsesdato"): substring match
        if (
            date_col is None
            and not var_labels
            and any(w in vocab.normalise_label(probe) for w in DATE_WORDS)
        ):
            date_col = col
            continue
        if id_col is None and vocab.normalise_label(col) in ID_WORDS:
            id_col = col
            continue
        if qtype == "open" and subtype in ("string", "text", ""):
            comment_cols.append(col)
            continue
        if subtype == "multiple":
            not_items.append(col)
            continue
        scale = _scale_of(var_labels) if var_labels else None
        if scale is None and not var_labels:
            numeric = values.parse_numbers(data[col].dropna())
            if len(numeric) and numeric.notna().all() and not qtype == "open":
                lo, hi = float(numeric.min()), float(numeric.max())
                # a scale in the variable name or text ("trivsel_1_5", "(1-5)") wins over the
                # answers: an answer outside it is rejected, not a wider scale
                hint_lo, hint_hi, _ = wide_values.header_hint(col)
                if hint_lo is None:
                    hint_lo, hint_hi, _ = wide_values.header_hint(text)
                if hint_lo is not None:
                    lo, hi = hint_lo, hint_hi
                scale = (None, lo, hi, False)
        if scale is None:
            not_items.append(col)
            continue
        mapping, lo, hi, reversed_ = scale
        items.append(
            {
                "column": col,
                "text": text,
                "mapping": mapping,
                "lo": lo,
                "hi": hi,
                "reversed": reversed_,
            }
        )
    if not_items:
        names = ", ".join(label_table.clip(n, 40) for n in not_items[:8])
        result.warnings.append(
            label_table.Note.of(
                "note_sx_not_rating",
                count=len(not_items),
                names=names + (" ..." if len(not_items) > 8 else ""),
            )
        )
    if not items:
        raise ReadError.of("read_sx_no_items", file=name)

    # --- responses
    def label_values(col: str | None) -> pd.Series:
        if col is None:
            return pd.Series([None] * len(data), index=data.index, dtype=object)
        raw = data[col].astype("string").str.strip()
        names = labels.get(col.strip().lower(), {})
        return raw.map(lambda c: names.get(c, c) if c is not pd.NA else None).astype(object)

    submitted = None
    if date_col is not None:
        text = data[date_col].astype("string").str.strip()
        iso = pd.to_datetime(text, errors="coerce", format="ISO8601")
        danish = pd.to_datetime(text, errors="coerce", format="mixed", dayfirst=True)
        submitted = iso.fillna(danish)
    result.responses = pd.DataFrame(
        {
            "row": data["_record"].to_numpy(),
            "respondent_id": data[id_col].to_numpy() if id_col else None,
            "library": label_values(library_col).to_numpy(),
            "branch": label_values(branch_col).to_numpy(),
            "period": None,
            "submitted_at": submitted.to_numpy() if submitted is not None else pd.NaT,
            "touchpoint": None,
        }
    )

    # --- answers, one column at a time (a survey has tens of columns, not thousands)
    answer_frames = []
    item_rows = []
    for item in items:
        col = item["column"]
        raw = data[col].astype("string").str.strip()
        present = raw.notna() & raw.ne("")
        if item["mapping"] is not None:
            value = raw.map(item["mapping"]).astype("float64")
            unknown = present & raw.map(lambda c, m=item["mapping"]: c not in m).astype(bool)
        else:
            value = values.parse_numbers(raw)
            unknown = present & value.isna() & ~raw.map(vocab.is_non_answer).astype(bool)
        for rec, cell in zip(data.loc[unknown, "_record"], raw[unknown], strict=True):
            result.rejected.append(
                Problem.of(name, int(rec), col, str(cell), "reason_not_answer_code")
            )
        keep = present & ~unknown
        code, construct, text = _item_code(item["text"], col, item["lo"], item["hi"])
        answer_frames.append(
            pd.DataFrame(
                {
                    "row": data.loc[keep, "_record"].to_numpy(),
                    "column": col,
                    "item": code,
                    "value": value[keep].to_numpy(),
                    "raw_value": raw[keep].astype(object).to_numpy(),
                }
            )
        )
        item_rows.append(
            {
                "column": col,
                "item": code,
                "construct": construct,
                "text": text,
                "scale_min": item["lo"],
                "scale_max": item["hi"],
                "touchpoint": vocab.touchpoint_of(text) if construct == "touchpoint" else None,
                "reversed": item["reversed"],
            }
        )
    result.answers = pd.concat(answer_frames, ignore_index=True)
    result.items = pd.DataFrame(item_rows).drop_duplicates("item")
    comment_frames = []
    for col in comment_cols:
        text = data[col].astype("string").str.strip()
        keep = text.notna() & text.ne("")
        comment_frames.append(
            pd.DataFrame(
                {
                    "row": data.loc[keep, "_record"].to_numpy(),
                    "column": col,
                    "item": "comment",
                    "text": text[keep].astype(object).to_numpy(),
                }
            )
        )
    if comment_frames:
        result.comments = pd.concat(comment_frames, ignore_index=True)
    constructs = set(result.items["construct"].dropna())
    if constructs and constructs <= {"wellbeing", "engagement", "enps"}:
        result.respondent_type = "staff"
    elif constructs and constructs <= {"satisfaction", "nps", "touchpoint"}:
        result.respondent_type = "patron"
    variables = ",".join(sorted(c.lower() for c in columns))
    result.instrument = f"surveyxact:{hashlib.sha1(variables.encode()).hexdigest()[:10]}"
    return result


def _item_code(text: str, column: str, lo: float, hi: float) -> tuple[str, str | None, str]:
    """(item code, construct or None, question text): forum core items by their text."""
    norm = vocab.normalise_label(text)
    for code, construct, c_lo, c_hi, _tp, text_da, text_en in vocab.CORE_ITEMS:
        if norm in (vocab.normalise_label(text_da), vocab.normalise_label(text_en)) and (
            float(c_lo),
            float(c_hi),
        ) == (lo, hi):
            return code, construct, text_da
    construct = None
    if hi - lo == 10 and _has(text, ("anbefale", "anbefal", "recommend")):
        construct = "enps" if _has(text, ENPS_WORDS) else "nps"
    elif vocab.touchpoint_of(text):
        construct = "touchpoint"
    slug = vocab.slug(text)[:60] if text != column else vocab.slug(column)
    return f"sx-{slug}", construct, text
