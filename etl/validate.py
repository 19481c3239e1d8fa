"""Validation for the loader: periods from dates, items and their scales, answers and aggregates
checked against the scale, comments and segments scrubbed, ids hashed, the report's item summary,
and the one refusal line naming the cause that rejected the most rows."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from servicemirror.core import labels
from servicemirror.etl import scrub, vocab
from servicemirror.etl.answers import Answers
from servicemirror.etl.known import RESPONDENT_TYPES, LoadReport, _State
from servicemirror.etl.readers.base import (
    SEGMENT_COLUMNS,
    Problem,
    ReadResult,
)
from servicemirror.etl.values import take_texts


def period_of(timestamps: pd.Series, length: str) -> pd.Series:
    """Period labels from timestamps: '2023' (year), '2023-H1' (half), '2023-Q1' (quarter).

    A text column (pandas' ``string``, NA where there is no timestamp). Each distinct period is
    written once and spread back by code: 400,000 respondents fall in a few periods."""
    ts = pd.to_datetime(timestamps, errors="coerce")
    year = ts.dt.year
    if length == "half":
        part, mark = (ts.dt.month - 1) // 6 + 1, "-H"
    elif length == "quarter":
        part, mark = ts.dt.quarter, "-Q"
    else:
        part, mark = year * 0, None
    # one integer per period (NaN where there is no timestamp), then its label
    codes, uniques = pd.factorize((year * 10 + part).to_numpy(dtype="float64"))
    names = [f"{int(u) // 10}{mark}{int(u) % 10}" if mark else str(int(u) // 10) for u in uniques]
    return _spread([*names, None], codes, ts.index)


def _trimmed(values: pd.Series) -> pd.Series:
    """``values.astype("string").str.strip()``, worked once per distinct cell when the cells are
    texts (a period column repeats a few values, or is empty)."""
    codes, uniques = pd.factorize(values)
    if not all(isinstance(u, str) for u in uniques):  # numbers: each converted as it is
        return values.astype("string").str.strip()
    text = pd.Series(uniques, dtype=object).astype("string").str.strip()
    return _spread([*text.astype(object).where(text.notna(), None), None], codes, values.index)


def _spread(texts: list, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """``texts[code]`` for each code as a pandas ``string`` column (code -1: the last text, None)."""
    return pd.Series(take_texts(texts, codes, "string"), index=index)


def _apply_periods(
    frame: pd.DataFrame, forced: str | None, length: str, problems, file_name
) -> pd.DataFrame:
    frame = frame.copy(deep=False)  # copy-on-write: the caller's frame stays as it is
    if forced:
        frame["period"] = str(forced).strip()
        return frame
    given = _trimmed(frame["period"]) if "period" in frame.columns else None
    if "submitted_at" in frame.columns:
        derived = period_of(frame["submitted_at"], length)
    else:
        derived = pd.Series(pd.NA, index=frame.index, dtype="string")
    stated = given.notna() & (given != "") if given is not None else None
    # no period stated anywhere (most exports): the dates decide, without a pass that keeps none
    period = given.where(stated, derived) if stated is not None and stated.any() else derived
    missing = period.isna()
    for row in frame.loc[missing, "row"]:
        problems.append(Problem.of(file_name, int(row), "period", None, "reason_no_period"))
    if missing.any():  # a mask of all True would copy every column once more
        frame, period = frame[~missing], period[~missing]
    frame["period"] = period.astype(str)
    return frame


def _resolve_items(result: ReadResult, state: _State, report: LoadReport) -> pd.DataFrame:
    """Items of this file with their scale and construct: known items keep the stored definition."""
    known = state.items.set_index("item_code")
    rows = []
    # the answers are in DuckDB by now (etl.answers; the loader puts them there)
    observed = result.answers.item_ranges() if not result.answers.empty else None
    agg_observed = (
        result.aggregates.groupby("item")["mean"].agg(["min", "max"])
        if not result.aggregates.empty
        else None
    )
    for item in result.items.itertuples():
        code = str(item.item)
        if code in known.index:
            k = known.loc[code]
            rows.append(
                {
                    "column": item.column,
                    "item_code": code,
                    "construct": k["construct"],
                    "text_da": k["text_da"],
                    "text_en": k["text_en"],
                    "scale_min": float(k["scale_min"]),
                    "scale_max": float(k["scale_max"]),
                    "touchpoint": k["touchpoint"],
                    "core": bool(k["core"]),
                    "instrument_id": k["instrument_id"],
                    "_new": False,
                }
            )
            continue
        lo, hi = item.scale_min, item.scale_max
        if pd.isna(lo) or pd.isna(hi):
            seen = observed if observed is not None and code in observed.index else agg_observed
            if seen is None or code not in seen.index:
                lo, hi = 1.0, 5.0
            else:
                lo, hi = _infer_scale(float(seen.loc[code, "min"]), float(seen.loc[code, "max"]))
            report.warnings.append(
                labels.Note.of("note_no_scale", item=labels.clip(code), lo=f"{lo:g}", hi=f"{hi:g}")
            )
        construct = (
            item.construct
            if isinstance(item.construct, str) and item.construct in vocab.CONSTRUCTS
            else None
        )
        if construct is None:
            construct = (
                "nps"
                if hi - lo == 10
                and (
                    "nps" in code.lower()
                    or "anbefal" in code.lower()
                    or "recommend" in code.lower()
                )
                else "other"
            )
        touchpoint = (
            item.touchpoint
            if isinstance(item.touchpoint, str)
            else (vocab.touchpoint_of(code) if construct == "touchpoint" else None)
        )
        if construct == "other":
            report.warnings.append(labels.Note.of("load_other_counts_nowhere", item=code))
        rows.append(
            {
                "column": item.column,
                "item_code": code,
                "construct": construct,
                "text_da": item.text if isinstance(item.text, str) else None,
                "text_en": item.text if isinstance(item.text, str) else None,
                "scale_min": float(lo),
                "scale_max": float(hi),
                "touchpoint": touchpoint,
                "core": False,
                "instrument_id": result.instrument,
                "_new": True,
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "column",
            "item_code",
            "construct",
            "text_da",
            "text_en",
            "scale_min",
            "scale_max",
            "touchpoint",
            "core",
            "instrument_id",
            "_new",
        ],
    )


def _add_scale_sources(report: LoadReport, items: pd.DataFrame) -> None:
    """Each item of the report says where its scale came from: labels, header, guess, given, or
    the stored definition of an item the database already knows."""
    sources = {c["item"]: c["scale_source"] for c in report.columns if c.get("role") == "item"}
    known = set(items.loc[~items["_new"].astype(bool), "item_code"])
    for entry in report.items:
        code = entry.get("item")
        entry["scale_source"] = "known item" if code in known else sources.get(code)


def _infer_scale(lo: float, hi: float) -> tuple[float, float]:
    if lo >= 0 and hi <= 10 and (lo == 0 or hi > 7):
        return (0.0, 10.0) if lo == 0 or hi > 7 else (1.0, 10.0)
    if lo >= 1 and hi <= 5:
        return 1.0, 5.0
    if lo >= 1 and hi <= 7:
        return 1.0, 7.0
    return float(np.floor(lo)), float(np.ceil(hi))


def _validate_answers(answers: Answers, items: pd.DataFrame, problems, file_name) -> Answers:
    """Drop answers outside their item's scale (each reported); a null value stays as a missing
    answer. An NPS item stored as 1-11 (some tools) is shifted to 0-10 first. In SQL
    (``Answers.validate``): only the refused answers come to Python, to be told."""
    outside = answers.validate(items)
    for row in outside.itertuples():
        problems.append(
            Problem.of(
                file_name,
                int(row.row),
                str(row.column),
                str(row.raw_value),
                "reason_outside_item_scale",
                lo=f"{row.scale_min:g}",
                hi=f"{row.scale_max:g}",
                item=row.item,
            )
        )
    return answers


def _validate_aggregates(
    aggregates: pd.DataFrame, items: pd.DataFrame, problems, file_name
) -> pd.DataFrame:
    scale = items.set_index("item_code")[["scale_min", "scale_max", "touchpoint"]]
    merged = aggregates.drop(columns=["scale_min", "scale_max"], errors="ignore").join(
        scale, on="item"
    )
    bad_type = ~merged["respondent_type"].isin(RESPONDENT_TYPES)
    out = (merged["mean"] < merged["scale_min"]) | (merged["mean"] > merged["scale_max"])
    for row in merged[bad_type].itertuples():
        problems.append(
            Problem.of(
                file_name,
                int(row.row),
                "respondent_type",
                str(row.respondent_type),
                "reason_respondent_type",
            )
        )
    for row in merged[out & ~bad_type].itertuples():
        problems.append(
            Problem.of(
                file_name,
                int(row.row),
                "mean",
                f"{row.mean}",
                "reason_mean_outside_scale",
                lo=f"{row.scale_min:g}",
                hi=f"{row.scale_max:g}",
            )
        )
    return merged[~bad_type & ~out]


def _scrub_comments(
    comments: pd.DataFrame, responses: pd.DataFrame, state: _State, include_staff_text: bool, report
) -> pd.DataFrame:
    if comments.empty:
        return comments
    kept = comments[comments["row"].isin(responses["row"])].merge(
        responses[["row", "respondent_type", "library_key"]], on="row"
    )
    staff = kept["respondent_type"] == "staff"
    if staff.any() and not include_staff_text:
        report.warnings.append(labels.Note.of("note_staff_text_off", count=int(staff.sum())))
        kept = kept[~staff]
    names = [n for n in state.settings.get("comment_names", "").split(",") if n.strip()]
    kept = kept.assign(text=scrub.scrub_series(kept["text"], names))
    return kept[["row", "item", "text"]]


def _scrub_segments(responses: pd.DataFrame, state: _State) -> pd.DataFrame:
    """The segment columns are free text in many survey tools ("Andet: ..."), so they go through
    the same scrubber as comments before they are stored; each distinct value is scrubbed once."""
    present = [c for c in SEGMENT_COLUMNS if c in responses.columns]
    if not present or responses.empty:
        return responses
    names = [n for n in state.settings.get("comment_names", "").split(",") if n.strip()]
    out = responses.copy(deep=False)  # copy-on-write: only the scrubbed columns are new
    for column in present:
        values = out[column].dropna().unique()
        cleaned = scrub.scrub_series(pd.Series(values, dtype=object).astype(str), names)
        out[column] = out[column].map(dict(zip(values, cleaned, strict=True)))
    return out


def _problem_json(p: Problem, lang: str = "en") -> dict:
    return {"row": p.row, "column": p.column, "value": p.value, "reason": p.text(lang)}


def _item_summary(answers: Answers, items: pd.DataFrame) -> list[dict]:
    """Per item of the file (in order of first answer): its column, construct, scale, n, mean
    and, for a 0-10 recommend item, the NPS; counted in SQL (``Answers.summary``)."""
    out = []
    by_item = items.drop_duplicates("item_code").set_index("item_code")
    for row in answers.summary().itertuples():
        meta = by_item.loc[row.item]
        n = int(row.n)
        nps = None
        if (
            meta["construct"] in ("nps", "enps")
            and meta["scale_max"] - meta["scale_min"] == 10
            and n
        ):
            nps = round(float((row.promoters / n - row.detractors / n) * 100), 6)
        out.append(
            {
                "column": str(row.column),
                "item": str(row.item),
                "construct": meta["construct"],
                "scale": [float(meta["scale_min"]), float(meta["scale_max"])],
                "n": n,
                "mean": round(float(row.mean), 6) if n else None,
                "nps": nps,
            }
        )
    return out


def _aggregate_item_summary(aggregates: pd.DataFrame, items: pd.DataFrame) -> list[dict]:
    by_item = items.drop_duplicates("item_code").set_index("item_code")
    out = []
    for code, group in aggregates.groupby("item", sort=False):
        meta = by_item.loc[code]
        n = int(group["n"].sum())
        out.append(
            {
                "column": "mean",
                "item": str(code),
                "construct": meta["construct"],
                "scale": [float(meta["scale_min"]), float(meta["scale_max"])],
                "n": n,
                "mean": round(float((group["mean"] * group["n"]).sum() / n), 6),
                "nps": None,
            }
        )
    return out


# --------------------------------------------------------------------------- writing


def _single(series: pd.Series):
    values = sorted(set(series.dropna()))
    return values[0] if len(values) == 1 else None


def refusal(
    file_name: str, problems: list[Problem], result: ReadResult | None = None, lang: str = "en"
) -> str:
    """The one line that refuses a file with no valid response: the cause, an example, what to do.

    The cause is the reason that rejected the most rows (not the first problem met); the example
    is one such row with at most 80 characters of its cell. A file without a single rating
    question says so and lists what its columns were read as.
    """
    if result is not None and result.items.empty and result.aggregates.empty:
        if len(result.kiosk) == 0 and result.columns:
            roles: dict[str, int] = {}
            for column in result.columns:
                roles[column["role"]] = roles.get(column["role"], 0) + 1
            return labels.t(
                "load_no_rating_questions",
                lang,
                file=file_name,
                columns=len(result.columns),
                roles=", ".join(
                    f"{n} {labels.role_label(role, lang)}" for role, n in sorted(roles.items())
                ),
            )
    if not problems:
        return labels.t("load_no_valid_bare", lang, file=file_name)
    causes: dict[str, list[Problem]] = {}
    for problem in problems:
        causes.setdefault(_cause(problem), []).append(problem)
    cause, rows = max(causes.items(), key=lambda kv: len(kv[1]))
    example = rows[0]
    where = [labels.t("load_where_row", lang, row=example.row)] if example.row is not None else []
    if example.column:
        where.append(labels.t("load_where_column", lang, column=labels.clip(example.column)))
    if example.value not in (None, ""):
        where.append(labels.t("load_where_value", lang, value=labels.clip(example.value)))
    lowered = cause.lower()
    todo = (
        "load_todo_library"
        if "library" in lowered
        else "load_todo_period"
        if "period" in lowered or "date" in lowered
        else "load_todo_mapping"
    )
    return labels.t(
        "load_no_valid",
        lang,
        file=file_name,
        count=len(rows),
        total=len(problems),
        reason=labels.clip(example.text(lang) if example.key else cause, 160),
        example=", ".join(where) or "-",
        todo=labels.t(todo, lang),
    )


def _cause(problem: Problem) -> str:
    """What groups rows rejected for the same cause: the reason's label key, or for a reason
    without one the text less the row's own details."""
    if problem.key:
        return problem.key
    return re.sub(r"'[^']*'", "'…'", problem.reason.split(";")[0]).strip()
