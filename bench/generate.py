"""National-scale (or tiny) synthetic exports for the benchmarks, written as real export files.

The world: ``libraries`` municipal library systems with ``branches`` branches between them,
``periods`` yearly survey rounds, staff wellbeing that varies by library and period, and patron
satisfaction that rises with it (so the hypothesis battery has something to find). It is written
as the files a library would actually upload:

``staff_long.csv``            generic long staff survey (core wellbeing items + eNPS), one row per
                              respondent x item, ``staff_responses`` respondents over all periods.
``patron_long_<period>.csv``  generic long patron survey per period (overall satisfaction, NPS and
                              four touchpoint items), ``patron_answers`` answers in all.
``qualtrics_wide.csv``        a Qualtrics "numeric values" export (three header rows, metadata
                              columns, ``wide_items`` questions, Bibliotek/Filial embedded data) of
                              ``wide_respondents`` patrons: benchmark 1's product input.
``qualtrics_long.csv``        the same answers as one generic long file: benchmark 1's ceiling.
``kiosk_presses_<month>.csv`` smiley-kiosk press exports, one per month of the last two
                              periods (one row per press, Danish header, day-first timestamps,
                              ``;``), ``kiosk_presses`` presses in all: benchmark 2's input.

Everything is deterministic (numpy ``default_rng`` seeded per chunk; the kiosk file from DuckDB's
``hash`` of the row number) and streamed to disk in chunks: no file is ever held whole in memory.
The kiosk files are written by DuckDB's COPY, because formatting 50 million lines in Python would
take longer than every benchmark together. A ``manifest.json`` records the scale and the generator
version, so a second run with the same scale reuses the files.

Run: ``python -m bench.generate --scale tiny --out /tmp/sm-bench``.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

GENERATOR_VERSION = 5
FIRST_YEAR = 2019
SEED = 8


@dataclass(frozen=True)
class Scale:
    """How big the world is (at national scale: every Danish library system)."""

    name: str
    libraries: int
    branches: int
    periods: int
    staff_responses: int
    patron_answers: int
    kiosk_presses: int
    wide_respondents: int
    wide_items: int = 25
    kiosk_months: int = 24
    chunk_rows: int = 500_000


SCALES = {
    "national": Scale("national", 100, 450, 8, 60_000, 3_000_000, 50_000_000, 200_000),
    # for development: national shape, a tenth of the rows
    "small": Scale("small", 100, 450, 8, 60_000, 300_000, 5_000_000, 20_000),
    # the smoke test's size: two monthly kiosk files keep a whole run of all five under a minute
    "tiny": Scale("tiny", 6, 15, 3, 600, 12_000, 40_000, 1_000, kiosk_months=2, chunk_rows=5_000),
}

STAFF_ITEMS = ["core_w1", "core_w2", "core_w3", "core_w4", "core_w5", "core_enps"]
PATRON_ITEMS = ["core_sat", "core_nps", "tp_counter", "tp_self_service", "tp_home_delivery"]
PATRON_ITEMS += ["tp_book_a_librarian"]
KIOSK_QUESTION = "Hvordan var dit besøg i dag?"
QUALTRICS_META = [
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/Copenhagen"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/Copenhagen"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/Copenhagen"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
]
# The wide survey's questions: the forum core items first, then the library's own statements
# (each a 1-5 agreement, read as patron satisfaction items).
WIDE_QUESTIONS = [
    ("Hvor tilfreds er du alt i alt med biblioteket?", 5),
    ("Hvor sandsynligt er det, at du vil anbefale biblioteket til en ven?", 10),
    ("Tilfredshed med betjeningen", 5),
    ("Tilfredshed med selvbetjeningen", 5),
    ("Tilfredshed med Bogen Kommer", 5),
    ("Tilfredshed med Book en bibliotekar", 5),
] + [
    (f"Hvor enig er du i følgende? - {s}", 5)
    for s in [
        "Personalet er hjælpsomt",
        "Det er let at finde materialer",
        "Åbningstiderne passer mig",
        "Der er gode steder at sidde",
        "Udvalget af bøger er godt",
        "Udvalget af film og musik er godt",
        "Der er ro til at læse",
        "Det er let at låne e-bøger",
        "Toiletterne er rene",
        "Biblioteket er let at komme til",
        "Jeg føler mig velkommen",
        "Skiltningen er tydelig",
        "Computerne virker",
        "Det trådløse net virker",
        "Personalet har tid til mig",
        "Jeg får svar på mine spørgsmål",
        "Biblioteket er et rart sted at være",
        "Der er gode tilbud til børn",
        "Printeren virker",
    ]
]


def library_names(scale: Scale) -> list[str]:
    """Display names of the libraries (registered before anything is loaded)."""
    return [f"Kommune {i + 1:03d} Bibliotekerne" for i in range(scale.libraries)]


def branch_table(scale: Scale) -> pd.DataFrame:
    """Branches spread over the libraries as evenly as the counts allow: library, branch."""
    per = np.full(scale.libraries, scale.branches // scale.libraries)
    per[: scale.branches % scale.libraries] += 1
    names = library_names(scale)
    rows = [(names[i], f"Filial {j + 1}") for i in range(scale.libraries) for j in range(per[i])]
    return pd.DataFrame(rows, columns=["library", "branch"])


def periods(scale: Scale) -> list[str]:
    """Yearly period labels, oldest first."""
    return [str(FIRST_YEAR + p) for p in range(scale.periods)]


def _world(scale: Scale) -> dict[str, np.ndarray]:
    """Latent library x period staff wellbeing (1-5 scale) and library sizes."""
    rng = np.random.default_rng(SEED)
    base = rng.normal(3.7, 0.35, scale.libraries)
    wellbeing = base[:, None] + rng.normal(0, 0.2, (scale.libraries, scale.periods))
    # library sizes: a few big city systems, many small ones (some staff cells fall below k)
    size = rng.lognormal(0, 0.8, scale.libraries)
    return {
        "wellbeing": wellbeing,
        "size": size / size.sum(),
        "intercept": rng.normal(0, 0.3, scale.libraries),
    }


def _likert(rng: np.random.Generator, mean: np.ndarray, sd: float, hi: int) -> np.ndarray:
    lo = 0 if hi == 10 else 1
    return np.clip(np.rint(rng.normal(mean, sd)), lo, hi).astype(np.int64)


def _write(frame: pd.DataFrame, path: Path, first: bool) -> None:
    frame.to_csv(path, mode="w" if first else "a", header=first, index=False)


def _staff(scale: Scale, world: dict, out: Path) -> Path:
    """Generic long staff file: respondents spread over library x period by size."""
    path = out / "staff_long.csv"
    rng = np.random.default_rng(SEED + 1)
    branches = branch_table(scale)
    names = library_names(scale)
    cells = scale.libraries * scale.periods
    counts = rng.multinomial(
        scale.staff_responses, np.repeat(world["size"], scale.periods) / scale.periods
    )
    lib_idx = np.repeat(np.repeat(np.arange(scale.libraries), scale.periods), counts)
    per_idx = np.repeat(np.tile(np.arange(scale.periods), scale.libraries), counts)
    assert len(lib_idx) == scale.staff_responses and cells == len(counts)
    first = True
    step = max(1, scale.chunk_rows // len(STAFF_ITEMS))
    for start in range(0, scale.staff_responses, step):
        lib, per = lib_idx[start : start + step], per_idx[start : start + step]
        n = len(lib)
        mean = world["wellbeing"][lib, per]
        own = [branches.index[branches["library"] == names[i]] for i in range(scale.libraries)]
        branch = [branches.at[rng.choice(own[i]), "branch"] for i in lib]
        parts = []
        for item in STAFF_ITEMS:
            hi = 10 if item == "core_enps" else 5
            value = _likert(rng, mean * 2 - 1.2 if hi == 10 else mean, 1.0 if hi == 5 else 2.0, hi)
            parts.append(
                pd.DataFrame(
                    {
                        "library": np.array(names)[lib],
                        "branch": branch,
                        "period": np.array(periods(scale))[per],
                        "respondent_type": "staff",
                        "respondent_id": [f"S{start + i:07d}" for i in range(n)],
                        "item": item,
                        "value": value,
                    }
                )
            )
        _write(pd.concat(parts).sort_values("respondent_id", kind="stable"), path, first)
        first = False
    return path


def _patron_long(scale: Scale, world: dict, out: Path) -> list[Path]:
    """Generic long patron files, one per period; satisfaction rises with staff wellbeing."""
    rng = np.random.default_rng(SEED + 2)
    names = np.array(library_names(scale))
    branches = branch_table(scale)
    respondents = scale.patron_answers // len(PATRON_ITEMS)
    per_period = np.full(scale.periods, respondents // scale.periods)
    per_period[: respondents % scale.periods] += 1
    paths = []
    rid = 0
    for p, label in enumerate(periods(scale)):
        path = out / f"patron_long_{label}.csv"
        paths.append(path)
        first = True
        step = max(1, scale.chunk_rows // len(PATRON_ITEMS))
        for start in range(0, per_period[p], step):
            n = min(step, per_period[p] - start)
            b = rng.integers(0, len(branches), n)
            lib = np.searchsorted(names, branches["library"].to_numpy()[b])
            level = 3.2 + world["intercept"][lib] + 0.5 * (world["wellbeing"][lib, p] - 3.7)
            month = rng.integers(1, 13, n)
            day = rng.integers(1, 29, n)
            stamp = [f"{label}-{m:02d}-{d:02d} 12:00:00" for m, d in zip(month, day, strict=True)]
            parts = []
            for item in PATRON_ITEMS:
                hi = 10 if item == "core_nps" else 5
                value = _likert(rng, level * 2 if hi == 10 else level, 0.9 if hi == 5 else 2.0, hi)
                parts.append(
                    pd.DataFrame(
                        {
                            "library": names[lib],
                            "branch": branches["branch"].to_numpy()[b],
                            "period": label,
                            "respondent_type": "patron",
                            "respondent_id": [f"P{rid + i:08d}" for i in range(n)],
                            "item": item,
                            "value": value,
                            "submitted_at": stamp,
                        }
                    )
                )
            rid += n
            _write(pd.concat(parts).sort_values("respondent_id", kind="stable"), path, first)
            first = False
    return paths


def _wide(scale: Scale, world: dict, out: Path) -> tuple[Path, Path, int]:
    """The Qualtrics wide export and its long twin, chunk by chunk; returns the answer count."""
    wide_path, long_path = out / "qualtrics_wide.csv", out / "qualtrics_long.csv"
    questions = WIDE_QUESTIONS[: scale.wide_items]
    qids = [f"Q{i + 1}" for i in range(len(questions))]
    header = [m[0] for m in QUALTRICS_META] + qids + ["Bibliotek", "Filial"]
    texts = [m[1] for m in QUALTRICS_META] + [q for q, _ in questions] + ["Bibliotek", "Filial"]
    imports = [m[2] for m in QUALTRICS_META] + [
        f'{{"ImportId":"QID{i + 1}"}}' for i in range(len(qids))
    ]
    imports += ['{"ImportId":"Bibliotek"}', '{"ImportId":"Filial"}']
    pd.DataFrame([texts, imports], columns=header).to_csv(wide_path, index=False)
    rng = np.random.default_rng(SEED + 3)
    names = np.array(library_names(scale))
    branches = branch_table(scale)
    period = scale.periods - 1
    year = FIRST_YEAR + period
    answers = 0
    step = max(1, scale.chunk_rows // len(questions))
    first = True
    for start in range(0, scale.wide_respondents, step):
        n = min(step, scale.wide_respondents - start)
        b = rng.integers(0, len(branches), n)
        lib = np.searchsorted(names, branches["library"].to_numpy()[b])
        level = 3.2 + world["intercept"][lib] + 0.5 * (world["wellbeing"][lib, period] - 3.7)
        seconds = rng.integers(0, 365 * 86400, n)
        begin = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(seconds, unit="s")
        duration = rng.integers(60, 900, n)
        end = begin + pd.to_timedelta(duration, unit="s")
        ids = [f"R_{start + i:015x}" for i in range(n)]
        fmt = "%Y-%m-%d %H:%M:%S"
        frame = {
            "StartDate": begin.strftime(fmt),
            "EndDate": end.strftime(fmt),
            "Status": "IP Address",
            "IPAddress": "",
            "Progress": 100,
            "Duration (in seconds)": duration,
            "Finished": "True",
            "RecordedDate": end.strftime(fmt),
            "ResponseId": ids,
            "DistributionChannel": "anonymous",
            "UserLanguage": "DA",
        }
        long_parts = []
        for qid, (_text, hi) in zip(qids, questions, strict=True):
            value = _likert(rng, level * 2 if hi == 10 else level, 0.9 if hi == 5 else 2.0, hi)
            # a patron skips a question now and then (blank cell, no answer row)
            skipped = rng.random(n) < 0.04
            frame[qid] = pd.Series(value).astype("Int64").mask(skipped)
            long_parts.append(
                pd.DataFrame(
                    {
                        "library": names[lib][~skipped],
                        "branch": branches["branch"].to_numpy()[b][~skipped],
                        "period": str(year),
                        "respondent_type": "patron",
                        "respondent_id": np.array(ids)[~skipped],
                        "item": qid,
                        "value": value[~skipped],
                        "submitted_at": end.strftime(fmt)[~skipped],
                    }
                )
            )
        frame["Bibliotek"] = names[lib]
        frame["Filial"] = branches["branch"].to_numpy()[b]
        pd.DataFrame(frame)[header].to_csv(wide_path, mode="a", header=False, index=False)
        long = pd.concat(long_parts)
        answers += len(long)
        _write(long, long_path, first)
        first = False
    return wide_path, long_path, answers


# Benchmark 6's Qualtrics staff export: five staff core items (Danish texts, 1-5), about 125 bytes
# a respondent, so 400,000 respondents are a 50 MB file (bench/whole_process.py)
STAFF_EXPORT_RESPONDENTS = {"national": 400_000, "small": 40_000, "tiny": 2_000}
STAFF_EXPORT_ITEMS = [
    "Jeg trives på min arbejdsplads",
    "Mit arbejde giver mig energi",
    "Jeg får anerkendelse for mit arbejde",
    "Jeg har et godt samarbejde med mine kolleger",
    "Jeg kan overkomme mine arbejdsopgaver",
]


def qualtrics_staff_export(scale: Scale, path: Path) -> tuple[Path, int]:
    """A Qualtrics "numeric values" staff export (three header rows, the metadata columns, five
    1-5 items, a Bibliotek embedded-data field) of ``STAFF_EXPORT_RESPONDENTS[scale.name]``
    respondents, written by DuckDB's COPY from a row-number range (deterministic: every cell is
    a hash of its row). Reused when it exists; returns the path and the respondent count."""
    path = Path(path)
    n = STAFF_EXPORT_RESPONDENTS.get(scale.name, STAFF_EXPORT_RESPONDENTS["national"])
    if path.exists():
        return path, n
    path.parent.mkdir(parents=True, exist_ok=True)
    qids = [f"Q{i + 1}" for i in range(len(STAFF_EXPORT_ITEMS))]
    header = [m[0] for m in QUALTRICS_META] + qids + ["Bibliotek"]
    texts = [m[1] for m in QUALTRICS_META] + STAFF_EXPORT_ITEMS + ["Bibliotek"]
    imports = [m[2] for m in QUALTRICS_META] + [f'{{"ImportId":"QID{i + 1}"}}' for i in range(5)]
    imports.append('{"ImportId":"Bibliotek"}')
    body = path.with_suffix(".body.csv")
    con = duckdb.connect()
    try:
        con.execute("set enable_progress_bar = false")
        con.register("library_names", pd.DataFrame({"name": library_names(scale)}))
        con.execute(
            """
            copy (
                with r as (
                    select range as i,
                           timestamp '2025-01-01' + to_seconds(hash(range, 1) % 31536000) as t
                    from range($n)
                ), libs as (select row_number() over (order by name) - 1 as k, name
                            from library_names)
                select strftime(t, '%Y-%m-%d %H:%M:%S') as StartDate,
                       strftime(t + to_seconds(60 + hash(i, 2) % 840), '%Y-%m-%d %H:%M:%S'),
                       'IP Address', null, 100, 60 + hash(i, 2) % 840, 'True',
                       strftime(t + to_seconds(60 + hash(i, 2) % 840), '%Y-%m-%d %H:%M:%S'),
                       'R_' || lpad(printf('%x', i), 15, '0'), 'anonymous', 'DA',
                       1 + hash(i, 3) % 5, 1 + hash(i, 4) % 5, 1 + hash(i, 5) % 5,
                       1 + hash(i, 6) % 5, 1 + hash(i, 7) % 5,
                       libs.name
                from r join libs on libs.k = hash(r.i, 8) % (select count(*) from libs)
                order by r.i
            ) to '"""
            + str(body)
            + """' (header false)""",
            {"n": n},
        )
    finally:
        con.close()
    with path.open("w", encoding="utf-8", newline="") as out:
        pd.DataFrame([texts, imports], columns=header).to_csv(out, index=False)
        with body.open(encoding="utf-8") as rows:
            while chunk := rows.read(1 << 20):
                out.write(chunk)
    body.unlink()
    return path, n


def _kiosk(scale: Scale, out: Path) -> list[Path]:
    """Monthly press exports, written by DuckDB straight from a row-number range (deterministic).

    One file per month from the start of the second-to-last period (24 months at national
    scale), as kiosk vendors export them; a month of the national roll-out (about 2 million
    presses, 190 MB) stays under the product's 256 MB upload limit
    (``servicemirror.core.safety.MAX_UPLOAD_BYTES``); one file of 50 million presses would not.
    """
    branches = branch_table(scale)
    first_year = FIRST_YEAR + max(0, scale.periods - 2)
    months = [pd.Timestamp(first_year + m // 12, m % 12 + 1, 1) for m in range(scale.kiosk_months)]
    per_month = np.full(len(months), scale.kiosk_presses // len(months))
    per_month[: scale.kiosk_presses % len(months)] += 1
    starts = np.concatenate([[0], np.cumsum(per_month)])
    paths = []
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        for m, month in enumerate(months):
            path = out / f"kiosk_presses_{month:%Y-%m}.csv"
            paths.append(path)
            # presses spread evenly over the month's days (a time-ordered export), each at a
            # pseudo-random second of the opening hours 9-20
            con.execute(
                f"""
                copy (
                    with presses as (
                        select i,
                               (hash(i, 2) % $branches)::integer as b,
                               (hash(i, 3) % 1000)::integer as u,
                               (hash(i, 1) % 39600)::integer as second
                        from range($start, $end) t(i)
                    )
                    select
                        strftime(
                            $month::timestamp
                            + to_days(((i - $start) * $days // ($end - $start))::integer)
                            + to_seconds(32400 + second),
                            '%d-%m-%Y %H:%M:%S') as "Tidspunkt",
                        $libraries[1 + b] as "Bibliotek",
                        $branch_names[1 + b] as "Filial",
                        'T-' || lpad(b::varchar, 4, '0') as "Terminal",
                        $question as "Spørgsmål",
                        -- branches differ a little in how often the sad faces are pressed
                        case when u < 60 + (b % 7) * 5 then 1
                             when u < 200 + (b % 7) * 10 then 2
                             when u < 560 then 3 else 4 end as "Svar"
                    from presses
                ) to '{path}' (header true, delimiter ';')
                """,
                {
                    "month": month.to_pydatetime(),
                    "days": month.days_in_month,
                    "start": int(starts[m]),
                    "end": int(starts[m + 1]),
                    "libraries": list(branches["library"]),
                    "branch_names": list(branches["branch"]),
                    "branches": len(branches),
                    "question": KIOSK_QUESTION,
                },
            )
    finally:
        con.close()
    return paths


def generate(scale: Scale, out: Path, *, force: bool = False) -> dict:
    """Write (or reuse) every file of ``scale`` under ``out``; returns the manifest.

    Manifest keys: scale (the Scale as a dict), version, files (name -> path), rows (name -> data
    rows), seconds (time to generate each file).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / "manifest.json"
    if manifest_path.exists() and not force:
        manifest = json.loads(manifest_path.read_text())
        complete = all(Path(p).exists() for p in manifest["files"].values())
        if (
            manifest["scale"] == asdict(scale)
            and manifest["version"] == GENERATOR_VERSION
            and complete
        ):
            return manifest
    world = _world(scale)
    seconds, files, rows = {}, {}, {}
    t = time.perf_counter()
    files["staff_long"] = str(_staff(scale, world, out))
    rows["staff_long"] = scale.staff_responses * len(STAFF_ITEMS)
    seconds["staff_long"] = time.perf_counter() - t
    t = time.perf_counter()
    for path in _patron_long(scale, world, out):
        files[path.stem] = str(path)
    rows["patron_long"] = (scale.patron_answers // len(PATRON_ITEMS)) * len(PATRON_ITEMS)
    seconds["patron_long"] = time.perf_counter() - t
    t = time.perf_counter()
    wide, long, answers = _wide(scale, world, out)
    files["qualtrics_wide"], files["qualtrics_long"] = str(wide), str(long)
    rows["qualtrics_wide"], rows["qualtrics_long"] = scale.wide_respondents, answers
    seconds["qualtrics"] = time.perf_counter() - t
    t = time.perf_counter()
    for path in _kiosk(scale, out):
        files[path.stem] = str(path)
    rows["kiosk_presses"] = scale.kiosk_presses
    seconds["kiosk_presses"] = time.perf_counter() - t
    manifest = {
        "scale": asdict(scale),
        "version": GENERATOR_VERSION,
        "files": files,
        "rows": rows,
        "seconds": {k: round(v, 2) for k, v in seconds.items()},
    }
    manifest_path.write_text(json.dumps(manifest, indent=2))
    return manifest


def main() -> None:
    """Command line: ``python -m bench.generate --scale tiny --out DIR [--force]``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="tiny")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    manifest = generate(SCALES[args.scale], args.out, force=args.force)
    print(json.dumps(manifest, indent=2))


if __name__ == "__main__":
    main()
