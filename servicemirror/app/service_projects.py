"""Service projects, targets and segments on a database: publication layer in, results out.

The only place that gathers the inputs of ``analysis.projects``, ``analysis.targets`` and
``analysis.segments`` (published cells, survey windows, projects, targets, segment cells); used by
the CLI (`servicemirror projects`, `targets`) and the dashboard. Results are cached per data
version and keyed by library keys (role-independent); names or pseudonyms are put in per viewer
afterwards, e.g. with :func:`projects_json` ``names``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servicemirror import queries
from servicemirror.analysis import projects as did
from servicemirror.analysis import segments as seg
from servicemirror.analysis import targets as tgt
from servicemirror.core import cache, db
from servicemirror.etl import vocab
from servicemirror.privacy import publish


def _cached(db_path: Path, name: str, build):
    """build() once per database, data version and name (the one cache, ``servicemirror.core.cache``)."""
    return cache.cached(db_path, f"service_projects.{name}", build)


def _inputs(db_path: Path) -> dict[str, pd.DataFrame]:
    def build():
        with db.reading(db_path) as con:
            return {
                "projects": queries.run(con, "projects_all"),
                "targets": queries.run(con, "targets_all"),
                "windows": queries.run(con, "survey_windows"),
                "top2": queries.run(con, "patron_top2"),
            }

    return _cached(db_path, "inputs", build)


def projects(db_path: Path) -> pd.DataFrame:
    """Every recorded project (projects_all.sql columns)."""
    return _inputs(db_path)["projects"].copy()


def assessments(db_path: Path) -> dict[int, did.ProjectAssessment]:
    """project_id -> ProjectAssessment (patron DiD, staff side, text with display names)."""

    def build():
        pub = publish.published(db_path)
        inp = _inputs(db_path)
        out = {}
        for row in inp["projects"].to_dict(orient="records"):
            out[int(row["project_id"])] = did.assess_project(
                pub.cells,
                inp["windows"],
                row,
                library_label=row["display_name"],
                touchpoint_labels=vocab.TOUCHPOINT_LABELS,
                other_projects=inp["projects"],
            )
        return out

    return _cached(db_path, "assessments", build)


def _r(x, digits: int = 2):
    return None if x is None else round(float(x), digits)


def project_json(row: dict, a: did.ProjectAssessment, library: str) -> dict:
    """The `projects --json` object of one project (the documented fields first, then extras)."""
    r, s = a.patron, a.staff
    out = {
        "id": int(row["project_id"]),
        "library": library,
        "touchpoint": row["touchpoint"],
        "title": row["title"],
        "start": pd.Timestamp(row["start_date"]).date().isoformat(),
        "effect": _r(r.effect),
        "ci_low": _r(r.ci_low),
        "ci_high": _r(r.ci_high),
        "p": _r(r.p, 3),
        "method": r.method,
        "periods_before": r.periods_before,
        "periods_after": r.periods_after,
    }
    if r.effect is None:
        out["reason"] = r.reason
    end = row.get("end_date")
    out |= {
        "library_key": row["library_key"],
        "end": None if end is None or pd.isna(end) else pd.Timestamp(end).date().isoformat(),
        "status": row.get("status"),
        "owner": row.get("owner"),
        "expected_effect": row.get("expected_effect"),
        "comparison_libraries": r.libraries,
        "excluded_libraries": r.excluded,
        "periods_during": r.periods_during,
        "se": _r(r.se),
        "df": r.df,
        "p_min": _r(r.p_min, 3),
        "weak_spot": r.weak_spot,
        "staff": {
            "effect": _r(s.effect),
            "ci_low": _r(s.ci_low),
            "ci_high": _r(s.ci_high),
            "p": _r(s.p, 3),
            "periods_before": s.periods_before,
            "periods_after": s.periods_after,
            "reason": s.reason,
        },
        "text": a.text,
    }
    return out


def projects_json(db_path: Path, names: dict[str, str] | None = None) -> list[dict]:
    """One object per project. ``names``: library_key -> label (display name or pseudonym);
    the texts are rewritten with it when it differs from the display name."""
    rows = projects(db_path).to_dict(orient="records")
    done = assessments(db_path)
    out = []
    for row in rows:
        a = done[int(row["project_id"])]
        label = (names or {}).get(row["library_key"], row["display_name"])
        if label != row["display_name"]:
            tp = vocab.TOUCHPOINT_LABELS.get(row["touchpoint"], {})
            a = did.ProjectAssessment(
                a.patron,
                a.staff,
                {
                    lang: did.describe(
                        a.patron,
                        a.staff,
                        lang,
                        title=row["title"],
                        library=label,
                        touchpoint=tp.get(lang, row["touchpoint"]),
                    )
                    for lang in ("da", "en")
                },
            )
        out.append(project_json(row, a, label))
    return out


def markers(db_path: Path) -> pd.DataFrame:
    """Where each project goes on a time chart: the first period of its library measured on or
    after the start (patron fieldwork dates; the label year without dates).

    Columns: project_id, library_key, touchpoint, title, start_date, period (None when no period
    after the start is measured yet), status.
    """
    inp = _inputs(db_path)
    pub = publish.published(db_path)
    rows = []
    for p in inp["projects"].itertuples():
        periods = sorted(pub.grid.loc[pub.grid["library_key"] == p.library_key, "period"].unique())
        w = inp["windows"]
        own = w[(w["library_key"] == p.library_key) & (w["side"] == "patron")]
        timing = did.period_timing(periods, own, pd.Timestamp(p.start_date).date())
        later = [per for per in periods if timing[per] in ("during", "after")]
        rows.append(
            {
                "project_id": int(p.project_id),
                "library_key": p.library_key,
                "touchpoint": p.touchpoint,
                "title": p.title,
                "start_date": pd.Timestamp(p.start_date).date(),
                "period": later[0] if later else None,
                "status": p.status,
            }
        )
    cols = ["project_id", "library_key", "touchpoint", "title", "start_date", "period", "status"]
    return pd.DataFrame(rows, columns=cols)


def targets(db_path: Path) -> pd.DataFrame:
    """Every target against every measured period (analysis.targets.target_series columns)."""

    def build():
        inp = _inputs(db_path)
        return tgt.target_series(inp["targets"], publish.published(db_path).cells, inp["top2"])

    return _cached(db_path, "targets", build).copy()


def segments(db_path: Path) -> pd.DataFrame:
    """Published patron segment cells (analysis.segments.publish_segments columns)."""

    def build():
        pub = publish.published(db_path)
        with db.reading(db_path) as con:
            raw = queries.run(con, "segment_cells")
        return seg.publish_segments(raw, seg.min_segment_n(pub.k))

    return _cached(db_path, "segments", build).copy()


def personas(db_path: Path) -> pd.DataFrame:
    """The defined personas (personas_all.sql columns)."""
    with db.reading(db_path) as con:
        return queries.run(con, "personas_all")
