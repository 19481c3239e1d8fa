"""The demo forum as upload files: :func:`generate` writes the files a library would upload (the
generic long CSV, generic aggregates CSV and kiosk counts CSV); :func:`build_demo` loads them
through the ordinary load path (``etl.load``).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from servicemirror.app.demo.spec import (
    AGGREGATE_COLUMNS,
    DEMO_TARGETS,
    ITEMS,
    LIBRARY_SPECS,
    LONG_COLUMNS,
    PERIODS,
    SEGMENT_COLUMNS,
    STAFF_ITEMS,
    TOUCHPOINT_ITEMS,
    TOUCHPOINTS,
    VED_IKKE,
)
from servicemirror.app.demo.world import _PatronCell, _simulate, _StaffCell


@dataclass
class DemoFiles:
    """What :func:`generate` wrote and the truth it came from.

    ``paths``: the files in load order (staff and patron files by period, then aggregates, then
    kiosk counts). ``truth``: the generative parameters plus the realised draws (JSON-serialisable).
    ``libraries``: library, display_name, municipality, aliases (list of str), consent_named (bool).
    ``projects``: library, touchpoint, title, start (date), description, owner, expected_effect,
    status, true_effect (expected patron-index points, 0-100, after the start date).
    ``cells``: the true expected indices per library x period (staff_index, patron_index, enps,
    nps on their reporting scales) and the sample sizes written.
    ``reports``: filled by :func:`build_demo` with one load report per file.
    """

    paths: list[Path]
    truth: dict[str, Any]
    libraries: pd.DataFrame
    projects: pd.DataFrame
    cells: pd.DataFrame
    branches: pd.DataFrame
    reports: list[Any] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Writing the files.
# ---------------------------------------------------------------------------------------------
def _fmt_num(x: np.ndarray) -> np.ndarray:
    return np.array(["" if v != v else str(int(v)) for v in x], dtype=object)


def _staff_long(cell: _StaffCell, label: str, ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    parts = []
    for k, item in enumerate([*STAFF_ITEMS, "core_enps"]):
        construct, lo, hi, _ = ITEMS[item]
        vals = cell.items[:, k] if k < len(STAFF_ITEMS) else cell.enps
        parts.append(
            pd.DataFrame(
                {
                    "_r": np.arange(n),
                    "_k": k,
                    "respondent_id": ids,
                    "item": item,
                    "value": _fmt_num(vals),
                    "submitted_at": cell.submitted,
                    "scale_min": str(lo),
                    "scale_max": str(hi),
                    "construct": construct,
                }
            )
        )
    df = pd.concat(parts, ignore_index=True).sort_values(["_r", "_k"], kind="stable")
    df["library"] = label
    df["period"] = cell.period
    df["respondent_type"] = "staff"
    df["branch"] = ""
    df["touchpoint"] = ""
    df["comment"] = ""
    return df[LONG_COLUMNS]


def _patron_long(cell: _PatronCell, label: str, ids: list[str]) -> pd.DataFrame:
    n = len(ids)
    idx = np.arange(n)
    parts = []

    def part(k: int, item: str, mask: np.ndarray, value: np.ndarray, comment: Any = "") -> None:
        construct, lo, hi, tp = ITEMS.get(item, ("comment", "", "", None))
        parts.append(
            pd.DataFrame(
                {
                    "_r": idx[mask],
                    "_k": k,
                    "item": item,
                    "value": value[mask],
                    "touchpoint": tp or "",
                    "scale_min": str(lo),
                    "scale_max": str(hi),
                    "construct": construct,
                    "comment": comment if isinstance(comment, str) else comment[mask],
                }
            )
        )

    def coded(vals: np.ndarray, code: np.ndarray) -> np.ndarray:
        out = _fmt_num(vals)
        out[code == "ved_ikke"] = VED_IKKE
        return out

    everyone = np.ones(n, dtype=bool)
    part(0, "core_sat", everyone, coded(cell.sat, cell.sat_code))
    part(1, "core_nps", everyone, coded(cell.nps, cell.nps_code))
    for k, tp in enumerate(TOUCHPOINTS):
        code = cell.tp_code[tp]
        part(2 + k, TOUCHPOINT_ITEMS[tp], code != "none", coded(cell.tp[tp], code))
    comments = np.array(cell.comments, dtype=object)
    part(9, "comment", comments != "", np.full(n, "", dtype=object), comments)
    df = pd.concat(parts, ignore_index=True).sort_values(["_r", "_k"], kind="stable")
    r = df["_r"].to_numpy()
    df["library"] = label
    df["period"] = cell.period
    df["respondent_type"] = "patron"
    df["respondent_id"] = np.array(ids, dtype=object)[r]
    df["branch"] = np.array(cell.branch, dtype=object)[r]
    df["submitted_at"] = np.array(cell.submitted, dtype=object)[r]
    df["age_band"] = np.array(cell.age, dtype=object)[r]
    df["visit_frequency"] = np.array(cell.freq, dtype=object)[r]
    return df[LONG_COLUMNS + SEGMENT_COLUMNS]


def _aggregates(cells: list[_StaffCell], label: str) -> pd.DataFrame:
    rows = []
    for cell in cells:
        for k, item in enumerate([*STAFF_ITEMS, "core_enps"]):
            construct, lo, hi, _ = ITEMS[item]
            vals = cell.items[:, k] if k < len(STAFF_ITEMS) else cell.enps
            vals = vals[~np.isnan(vals)]
            rows.append(
                {
                    "library": label,
                    "period": cell.period,
                    "respondent_type": "staff",
                    "item": item,
                    "n": len(vals),
                    "mean": f"{vals.mean():.2f}",
                    "sd": f"{vals.std(ddof=1):.2f}",
                    "scale_min": lo,
                    "scale_max": hi,
                    "construct": construct,
                    "branch": "",
                    "response_rate": f"{len(cell.items) / cell.headcount:.2f}",
                }
            )
    return pd.DataFrame(rows, columns=AGGREGATE_COLUMNS)


def _write_csv(df: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def generate(seed: int, out_dir: Path, *, split: str = "library") -> DemoFiles:
    """Draw the demo forum from ``seed`` and write its upload files under ``out_dir``.

    Deterministic: the same seed writes byte-identical files. Files (UTF-8, comma, header):
    generic long CSV per library (``split="library"``, the default: each file is the survey
    tool's export of all years, ``staff/<library>-medarbejdere.csv`` and
    ``patrons/<library>-brugere.csv``) or per library and year (``split="year"``:
    ``staff/<period>-<library>-medarbejdere.csv``, ``patrons/<period>-<library>-brugere.csv``);
    patron files add the segment columns age_band, visit_frequency. Then
    ``aggregates/<library>-trivsel-rapport.csv`` (generic aggregates CSV, the aggregates-only
    libraries) and ``kiosk/<library>-smiley.csv`` (kiosk counts). Both splits hold the same rows
    and respondent ids. ``truth.json`` beside them holds ``DemoFiles.truth``; it is not an upload
    and not in ``paths``.
    """
    if split not in ("library", "year"):
        raise ValueError(f"split must be 'library' or 'year', not {split!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    world = _simulate(seed)
    staff_by = {(c.library, c.period): c for c in world.staff}
    patron_by = {(c.library, c.period): c for c in world.patrons}

    # Respondent ids: unique across the forum, assigned in one fixed order whatever the split.
    counters = {"staff": 0, "patron": 0}
    frames: dict[tuple[str, str, str], pd.DataFrame] = {}
    for period in PERIODS:
        for spec in LIBRARY_SPECS:
            key = spec["library"]
            for side, cell in (
                ("staff", staff_by.get((key, period))),
                ("patron", patron_by[(key, period)]),
            ):
                if cell is None or (side == "staff" and cell.aggregate):
                    continue
                n = len(cell.items) if side == "staff" else len(cell.sat)
                prefix = "M" if side == "staff" else "B"
                first = counters[side] + 1
                counters[side] += n
                ids = [f"{prefix}{seed % 1000:03d}{i:06d}" for i in range(first, first + n)]
                if split == "library":
                    label = world.labels[(key, PERIODS[0], side)]
                else:
                    label = world.labels[(key, period, side)]
                build = _staff_long if side == "staff" else _patron_long
                frames[(key, period, side)] = build(cell, label, ids)

    paths: list[Path] = []
    folder = {"staff": ("staff", "medarbejdere"), "patron": ("patrons", "brugere")}
    if split == "year":
        for period in PERIODS:
            for spec in LIBRARY_SPECS:
                for side in ("staff", "patron"):
                    df = frames.get((spec["library"], period, side))
                    if df is not None:
                        sub, word = folder[side]
                        name = f"{period}-{spec['library']}-{word}.csv"
                        paths.append(_write_csv(df, out_dir / sub / name))
    else:
        for side in ("staff", "patron"):
            for spec in LIBRARY_SPECS:
                parts = [frames[k] for k in frames if k[0] == spec["library"] and k[2] == side]
                if parts:
                    sub, word = folder[side]
                    name = f"{spec['library']}-{word}.csv"
                    paths.append(
                        _write_csv(pd.concat(parts, ignore_index=True), out_dir / sub / name)
                    )
    for spec in LIBRARY_SPECS:
        if spec["schedule"] == "aggregates":
            key = spec["library"]
            cells = [c for c in world.staff if c.library == key]
            df = _aggregates(cells, spec["display_name"])
            paths.append(_write_csv(df, out_dir / "aggregates" / f"{key}-trivsel-rapport.csv"))
    for key, df in world.kiosk.items():
        paths.append(_write_csv(df, out_dir / "kiosk" / f"{key}-smiley.csv"))
    (out_dir / "truth.json").write_text(
        json.dumps(world.truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return DemoFiles(
        paths=paths,
        truth=world.truth,
        libraries=libraries_frame(),
        projects=world.projects.drop(columns=["latent_effect", "periods_before", "periods_after"]),
        cells=world.cells,
        branches=branches_frame(),
    )


def libraries_frame() -> pd.DataFrame:
    """The 15 demo libraries: library, display_name, municipality, aliases, consent_named."""
    return pd.DataFrame(
        [
            {
                "library": s["library"],
                "display_name": s["display_name"],
                "municipality": s["municipality"],
                "aliases": list(s["aliases"]),
                "consent_named": bool(s["consent_named"]),
            }
            for s in LIBRARY_SPECS
        ]
    )


def branches_frame() -> pd.DataFrame:
    """The demo branches (filialer): library, branch (display name)."""
    return pd.DataFrame(
        [{"library": s["library"], "branch": b} for s in LIBRARY_SPECS for b, _ in s["branches"]],
        columns=["library", "branch"],
    )


def build_demo(db_path: Path, seed: int = 2011, *, split: str = "library") -> DemoFiles:
    """Generate the demo forum in a temporary folder and load every file through ``etl.load``.

    ``etl.load`` is imported here, not at module level, so that :func:`generate` stays usable
    without the database layer (tests, README figures). The returned ``paths`` pointed into the
    temporary folder, which is gone afterwards; ``reports`` holds one load report per file.
    """
    from servicemirror.etl import load as etl_load

    with tempfile.TemporaryDirectory(prefix="servicemirror-demo-") as tmp:
        files = generate(seed, Path(tmp), split=split)
        etl_load.register_libraries(db_path, files.libraries)
        # the staff first names the comments mention: scrubbed on load like a library's name list
        etl_load.set_setting(db_path, "comment_names", ",".join(files.truth["staff_first_names"]))
        for path in files.paths:
            files.reports.append(etl_load.load_file(db_path, path, loaded_by="demo"))
        # the forum's projects and service declarations, through the ordinary writers
        etl_load.add_projects(
            db_path,
            [
                {
                    "library": pr.library,
                    "touchpoint": pr.touchpoint,
                    "title": pr.title,
                    "start": pr.start,
                    "description": pr.description,
                    "owner": pr.owner,
                    "expected_effect": pr.expected_effect,
                    "status": pr.status,
                }
                for pr in files.projects.itertuples()
            ],
        )
        etl_load.set_targets(db_path, pd.DataFrame(DEMO_TARGETS))
    return files
