"""The simulated demo forum: every library x period cell drawn from the seed (staff and patron
answers, comments, kiosk counts) and the realised truth, all in memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from servicemirror.app.demo.model import (
    _patron_index_true,
    _slope_at,
    _staff_index_true,
    _touchpoint_index_true,
)
from servicemirror.app.demo.spec import (
    AGGREGATE_GAPS,
    COMMENTS_NEGATIVE,
    COMMENTS_POSITIVE,
    COMMENTS_TOUCHPOINT,
    EMAIL_DOMAINS,
    EMAIL_USERS,
    KIOSK_COLUMNS,
    KIOSK_QUESTION,
    KIOSK_TERMINALS,
    LIBRARY_SPECS,
    OPEN_HOURS,
    PARAMETERS,
    PERIODS,
    PII_TEMPLATES,
    PROJECT_SPECS,
    SMALL_STAFF_CELLS,
    STAFF_FIRST_NAMES,
    STAFFED_HOURS,
    TOUCHPOINTS,
)


# ---------------------------------------------------------------------------------------------
# Simulation (numbers only; formatting to files is separate so estimates can be simulated fast).
# ---------------------------------------------------------------------------------------------
@dataclass
class _StaffCell:
    library: str
    period: str
    items: np.ndarray  # n x 5, float (NaN = missing)
    enps: np.ndarray  # n, float (NaN = missing)
    submitted: list[str]
    headcount: int
    aggregate: bool


@dataclass
class _PatronCell:
    library: str
    period: str
    sat: np.ndarray  # float, NaN = Ved ikke
    nps: np.ndarray  # float, NaN = missing
    nps_code: np.ndarray  # "" / "blank" / "ved_ikke" reason for a missing NPS
    tp: dict[str, np.ndarray]  # touchpoint -> float answer (NaN = not answered or non-answer)
    tp_code: dict[str, np.ndarray]  # "" answered, "none" not asked, "ved_ikke", "blank"
    sat_code: np.ndarray
    age: list[str]
    freq: list[str]
    branch: list[str]
    submitted: list[str]
    comments: list[str]
    pii: dict[str, int]


@dataclass
class _World:
    seed: int
    staff: list[_StaffCell]
    patrons: list[_PatronCell]
    kiosk: dict[str, pd.DataFrame]
    truth: dict[str, Any]
    cells: pd.DataFrame
    projects: pd.DataFrame
    labels: dict[tuple[str, str, str], str]  # (library, period, side) -> library name in the file


def _rc(x: np.ndarray, lo: int, hi: int) -> np.ndarray:
    return np.clip(np.floor(x + 0.5), lo, hi)


def _cell_rng(seed: int, lib_i: int, period_i: int, kind: int) -> np.random.Generator:
    return np.random.default_rng([seed, lib_i, period_i, kind])


def _timestamps(rng: np.random.Generator, year: int, month: int, n: int) -> list[str]:
    days = rng.integers(1, 29, n)
    hours = rng.integers(9, 20, n)
    minutes = rng.integers(0, 60, n)
    return [
        datetime(year, month, int(d), int(h), int(m)).strftime("%Y-%m-%d %H:%M:%S")
        for d, h, m in zip(days, hours, minutes, strict=True)
    ]


def _phone(rng: np.random.Generator) -> str:
    digits = "".join(str(d) for d in [rng.integers(2, 10)] + list(rng.integers(0, 10, 7)))
    style = int(rng.integers(0, 3))
    spaced = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    return ["+45 " + spaced, digits, spaced][style]


def _cpr(rng: np.random.Generator) -> str:
    birth = date(1940, 1, 1) + timedelta(days=int(rng.integers(0, 365 * 60)))
    return f"{birth:%d%m%y}-{int(rng.integers(0, 10000)):04d}"


def _email(rng: np.random.Generator) -> str:
    user = EMAIL_USERS[int(rng.integers(len(EMAIL_USERS)))]
    domain = EMAIL_DOMAINS[int(rng.integers(len(EMAIL_DOMAINS)))]
    return f"{user}{int(rng.integers(1, 99))}@{domain}"


def _comment(
    rng: np.random.Generator,
    sat: float,
    answered: list[str],
    names: list[str],
    p: dict[str, Any],
    pii: dict[str, int],
) -> str:
    positive = not (sat == sat) or sat >= 4
    if answered and rng.random() < 0.5:
        tp = answered[int(rng.integers(len(answered)))]
        text = COMMENTS_TOUCHPOINT[tp][0 if positive else 1]
    else:
        pool = COMMENTS_POSITIVE if positive else COMMENTS_NEGATIVE
        text = pool[int(rng.integers(len(pool)))]
    makers = {
        "email": lambda: _email(rng),
        "phone": lambda: _phone(rng),
        "cpr": lambda: _cpr(rng),
        "staff_name": lambda: names[int(rng.integers(len(names)))],
    }
    for kind, rate in p["pii_rates"].items():
        if rng.random() < rate:
            templates = PII_TEMPLATES[kind]
            text += " " + templates[int(rng.integers(len(templates)))].format(x=makers[kind]())
            pii[kind] += 1
    return text


def _simulate(seed: int, with_text: bool = True) -> _World:
    p = PARAMETERS
    rng = np.random.default_rng(seed)
    J, T = len(LIBRARY_SPECS), len(PERIODS)
    keys = [s["library"] for s in LIBRARY_SPECS]

    # Library and library-year effects.
    u = rng.normal(0, p["staff_sd_library"], J)
    a = rng.normal(0, p["patron_sd_library"], J)
    v = rng.normal(0, p["staff_sd_year"], (J, T))
    e_all = rng.normal(0, p["patron_sd_year"], (J, T + 1))  # column 0 = the year before 2020
    e_prev, e = e_all[:, :-1], e_all[:, 1:]
    w = v + p["gamma_reverse"] * e_prev
    S = p["staff_mu"] + u[:, None] + w
    P = p["patron_mu"] + a[:, None] + p["beta_B"] * u[:, None] + p["beta_W"] * w + e
    c = rng.normal(0, p["touchpoint_sd_library"], (J, len(TOUCHPOINTS)))
    names = {k: list(rng.choice(STAFF_FIRST_NAMES, 3, replace=False)) for k in keys}

    projects = {pr["library"]: pr for pr in PROJECT_SPECS}
    staff_cells: list[_StaffCell] = []
    patron_cells: list[_PatronCell] = []
    labels: dict[tuple[str, str, str], str] = {}
    cell_rows = []
    seg = p["segment_effects"]
    ages, age_w = list(seg["age_band"]), np.array(list(p["segment_shares"]["age_band"].values()))
    freqs = list(seg["visit_frequency"])
    freq_w = np.array(list(p["segment_shares"]["visit_frequency"].values()))
    pii_total = {k: 0 for k in p["pii_rates"]}

    for j, spec in enumerate(LIBRARY_SPECS):
        key = spec["library"]
        schedule = spec["schedule"]
        branch_names = [b for b, _ in spec["branches"]]
        branch_w = np.array([bw for _, bw in spec["branches"]])
        pr = projects[key]
        start = date.fromisoformat(pr["start"])
        tp_j = TOUCHPOINTS.index(pr["touchpoint"])
        headcount = round(spec["staff_n"] / 0.8)
        for t, period in enumerate(PERIODS):
            year = int(period)
            for side in ("staff", "patron"):
                lr = _cell_rng(seed, j, t, 9 if side == "staff" else 10)
                label = spec["display_name"]
                if lr.random() < p["alias_file_rate"]:
                    label = spec["aliases"][int(lr.integers(len(spec["aliases"])))]
                labels[(key, period, side)] = label

            # --- staff
            surveyed = (
                schedule == "yearly"
                or (schedule == "aggregates" and (key, period) not in AGGREGATE_GAPS)
                or (isinstance(schedule, list) and period in schedule)
            )
            n_staff = 0
            if surveyed:
                r = _cell_rng(seed, j, t, 1)
                n_staff = SMALL_STAFF_CELLS.get((key, period)) or int(
                    np.clip(round(spec["staff_n"] * r.uniform(0.8, 1.1)), 8, 60)
                )
                s_i = S[j, t] + r.normal(0, p["staff_sd_person"], n_staff)
                offs = np.array(p["staff_item_offsets"])
                noise = r.normal(0, p["staff_sd_item"], (n_staff, len(offs)))
                items = _rc(s_i[:, None] + offs[None, :] + noise, 1, 5)
                enps = _rc(
                    p["enps_intercept"]
                    + p["enps_slope"] * (s_i - p["staff_mu"])
                    + r.normal(0, p["enps_sd"], n_staff),
                    0,
                    10,
                )
                items[r.random(items.shape) < p["staff_missing_rate"]] = np.nan
                enps[r.random(n_staff) < p["staff_missing_rate"]] = np.nan
                staff_cells.append(
                    _StaffCell(
                        key,
                        period,
                        items,
                        enps,
                        _timestamps(r, year, 2 + int(r.integers(0, 2)), n_staff)
                        if with_text
                        else [],
                        headcount,
                        schedule == "aggregates",
                    )
                )

            # --- patrons
            r = _cell_rng(seed, j, t, 2)
            n_pat = int(np.clip(round(spec["patron_n"] * r.uniform(0.8, 1.2)), 100, 800))
            age_i = r.choice(len(ages), n_pat, p=age_w)
            freq_i = r.choice(len(freqs), n_pat, p=freq_w)
            shift = np.array([seg["age_band"][ages[i]] for i in age_i]) + np.array(
                [seg["visit_frequency"][freqs[i]] for i in freq_i]
            )
            y = P[j, t] + shift + r.normal(0, p["patron_sd_person"], n_pat)
            sat = _rc(y, 1, 5)
            sat_code = np.where(r.random(n_pat) < p["ved_ikke_rate"]["core_sat"], "ved_ikke", "")
            sat[sat_code != ""] = np.nan
            nps = _rc(
                p["nps_intercept"]
                + p["nps_slope"] * (y - p["patron_mu"])
                + r.normal(0, p["nps_sd"], n_pat),
                0,
                10,
            )
            u_nps = r.random(n_pat)
            nps_code = np.where(
                u_nps < p["ved_ikke_rate"]["core_nps"],
                "ved_ikke",
                np.where(
                    u_nps < p["ved_ikke_rate"]["core_nps"] + p["blank_rate"]["core_nps"],
                    "blank",
                    "",
                ),
            )
            nps[nps_code != ""] = np.nan
            after = (date(year, spec["month"], 1) >= start) and pr["latent_effect"] != 0
            tp_vals, tp_codes = {}, {}
            rates = p["touchpoint_answer_rates"]
            for k, tp in enumerate(TOUCHPOINTS):
                rate = (
                    np.array([rates[tp][ages[i]] for i in age_i])
                    if isinstance(rates[tp], dict)
                    else np.full(n_pat, rates[tp])
                )
                asked = r.random(n_pat) < rate
                lift = pr["latent_effect"] if (after and k == tp_j) else 0.0
                val = _rc(
                    y
                    + p["touchpoint_offsets"][tp]
                    + c[j, k]
                    + lift
                    + r.normal(0, p["touchpoint_sd_item"], n_pat),
                    1,
                    5,
                )
                u_tp = r.random(n_pat)
                vi, bl = p["ved_ikke_rate"]["touchpoint"], p["blank_rate"]["touchpoint"]
                code = np.where(
                    ~asked,
                    "none",
                    np.where(u_tp < vi, "ved_ikke", np.where(u_tp < vi + bl, "blank", "")),
                )
                val[code != ""] = np.nan
                tp_vals[tp], tp_codes[tp] = val, code

            comments = [""] * n_pat
            pii = {kind: 0 for kind in p["pii_rates"]}
            submitted: list[str] = []
            age_s: list[str] = []
            freq_s: list[str] = []
            branch_s: list[str] = [""] * n_pat
            if with_text:
                submitted = _timestamps(r, year, spec["month"], n_pat)
                unstated = r.random(n_pat) < p["segment_unstated_rate"]
                age_s = ["" if unstated[i] else ages[age_i[i]] for i in range(n_pat)]
                freq_s = ["" if unstated[i] else freqs[freq_i[i]] for i in range(n_pat)]
                if branch_names:
                    branch_s = [
                        branch_names[b] for b in r.choice(len(branch_names), n_pat, p=branch_w)
                    ]
                wants = r.random(n_pat) < p["comment_rate"]
                for i in np.flatnonzero(wants):
                    answered = [tp for tp in TOUCHPOINTS if tp_codes[tp][i] == ""]
                    comments[i] = _comment(r, sat[i], answered, names[key], p, pii)
                for kind in pii:
                    pii_total[kind] += pii[kind]
            patron_cells.append(
                _PatronCell(
                    key, period, sat, nps, nps_code, tp_vals, tp_codes, sat_code,
                    age_s, freq_s, branch_s, submitted, comments, pii,
                )
            )  # fmt: skip
            cell_rows.append(
                {
                    "library": key,
                    "period": period,
                    "staff_latent": float(S[j, t]),
                    "patron_latent": float(P[j, t]),
                    "staff_index": float(_staff_index_true(np.array([S[j, t]]), p)[0]),
                    "patron_index": float(_patron_index_true(np.array([P[j, t]]), p)[0]),
                    "u": float(u[j]),
                    "a": float(a[j]),
                    "w": float(w[j, t]),
                    "e": float(e[j, t]),
                    "n_staff": n_staff,
                    "staff_source": (
                        "aggregates"
                        if (surveyed and schedule == "aggregates")
                        else "rows"
                        if surveyed
                        else ""
                    ),
                    "n_patron": n_pat,
                }
            )

    cells = pd.DataFrame(cell_rows)
    proj_rows = []
    for pr in PROJECT_SPECS:
        j = keys.index(pr["library"])
        k = TOUCHPOINTS.index(pr["touchpoint"])
        start = date.fromisoformat(pr["start"])
        month = LIBRARY_SPECS[j]["month"]
        post = [t for t, per in enumerate(PERIODS) if date(int(per), month, 1) >= start]
        effects = []
        for t in post:
            level = P[j, t] + p["touchpoint_offsets"][pr["touchpoint"]] + c[j, k]
            effects.append(
                _touchpoint_index_true(level + pr["latent_effect"], pr["touchpoint"], p)
                - _touchpoint_index_true(level, pr["touchpoint"], p)
            )
        true_effect = round(float(np.mean(effects)), 2) if effects else 0.0
        proj_rows.append(
            {
                "library": pr["library"],
                "touchpoint": pr["touchpoint"],
                "title": pr["title"],
                "start": start,
                "description": pr["description"],
                "owner": pr["owner"],
                "expected_effect": (
                    f"Højere tilfredshed med {pr['touchpoint'].replace('_', ' ')} (mål: +5 indekspoint)"
                ),
                "status": pr["status"],
                "true_effect": true_effect,
                "latent_effect": pr["latent_effect"],
                "periods_before": len(PERIODS) - len(post),
                "periods_after": len(post),
            }
        )
    projects_df = pd.DataFrame(proj_rows)

    truth = _truth(seed, cells, projects_df, names, c, pii_total)
    kiosk = _kiosk(seed, P, keys) if with_text else {}
    return _World(seed, staff_cells, patron_cells, kiosk, truth, cells, projects_df, labels)


def _truth(
    seed: int,
    cells: pd.DataFrame,
    projects: pd.DataFrame,
    names: dict[str, list[str]],
    c: np.ndarray,
    pii_total: dict[str, int],
) -> dict[str, Any]:
    p = PARAMETERS
    staff_slope = _slope_at(lambda x: _staff_index_true(x, p), p["staff_mu"])
    patron_slope = _slope_at(lambda x: _patron_index_true(x, p), p["patron_mu"])
    lib = cells.groupby("library", sort=False)[["staff_index", "patron_index"]].mean()
    r_true = float(np.corrcoef(lib["staff_index"], lib["patron_index"])[0, 1])
    truth: dict[str, Any] = {"seed": seed, "periods": list(PERIODS)}
    truth.update(json.loads(json.dumps(p)))
    truth.update(
        {
            "index_per_latent_staff": round(staff_slope, 3),
            "index_per_latent_patron": round(patron_slope, 3),
            "beta_B_index": round(p["beta_B"] * patron_slope / staff_slope, 3),
            "beta_W_index": round(p["beta_W"] * patron_slope / staff_slope, 3),
            "gamma_reverse_index": round(p["gamma_reverse"] * staff_slope / patron_slope, 3),
            "staff_schedule": {
                s["library"]: s["schedule"]
                if isinstance(s["schedule"], str)
                else list(s["schedule"])
                for s in LIBRARY_SPECS
            },
            "aggregates_only": [
                s["library"] for s in LIBRARY_SPECS if s["schedule"] == "aggregates"
            ],
            "small_staff_cells": [
                {"library": k, "period": per, "n": n} for (k, per), n in SMALL_STAFF_CELLS.items()
            ],
            "staff_first_names": names,
            "library_effects": {
                key: {
                    "u": round(float(g["u"].iloc[0]), 4),
                    "a": round(float(g["a"].iloc[0]), 4),
                    "touchpoint_effects": {
                        tp: round(float(c[j, k]), 4) for k, tp in enumerate(TOUCHPOINTS)
                    },
                    "staff_index_mean": round(float(g["staff_index"].mean()), 2),
                    "patron_index_mean": round(float(g["patron_index"].mean()), 2),
                }
                for j, (key, g) in enumerate(cells.groupby("library", sort=False))
            },
            "true_cells": [
                {
                    "library": row.library,
                    "period": row.period,
                    "w": round(row.w, 4),
                    "e": round(row.e, 4),
                    "staff_index": round(row.staff_index, 2),
                    "patron_index": round(row.patron_index, 2),
                }
                for row in cells.itertuples()
            ],
            "r_true_library": round(r_true, 3),
            "projects": [
                {
                    "library": row.library,
                    "touchpoint": row.touchpoint,
                    "start": row.start.isoformat(),
                    "latent_effect": row.latent_effect,
                    "true_effect": row.true_effect,
                }
                for row in projects.itertuples()
            ],
            "pii_counts": dict(pii_total),
        }
    )
    return truth


def _kiosk(seed: int, P: np.ndarray, keys: list[str]) -> dict[str, pd.DataFrame]:
    p = PARAMETERS
    first, last = (date.fromisoformat(d) for d in p["kiosk_days"])
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    cuts = np.array(p["kiosk_cuts"])
    rates = p["kiosk_rate_per_hour"]
    out: dict[str, pd.DataFrame] = {}
    for key, terminals in KIOSK_TERMINALS.items():
        j = keys.index(key)
        level = P[j, PERIODS.index("2025")] - p["patron_mu"]
        rows = []
        for ti, (branch, terminal) in enumerate(terminals):
            r = np.random.default_rng([seed, j, ti, 7])
            for day in days:
                staffed = STAFFED_HOURS.get(day.weekday())
                for hour in range(*OPEN_HOURS):
                    is_staffed = staffed is not None and staffed[0] <= hour < staffed[1]
                    if is_staffed:
                        lam = rates["staffed_saturday" if day.weekday() == 5 else "staffed_weekday"]
                    else:
                        lam = rates["unstaffed"]
                    total = int(r.poisson(lam))
                    if total == 0:
                        continue
                    mu = p["kiosk_mu"] + p["kiosk_slope"] * level
                    mu -= 0 if is_staffed else p["kiosk_unstaffed_penalty"]
                    latent = r.normal(mu, 1.0, total)
                    buttons = 1 + (latent[:, None] > cuts[None, :]).sum(axis=1)
                    counts = np.bincount(buttons, minlength=5)[1:]
                    for b in range(4):
                        if counts[b]:
                            rows.append(
                                (branch, terminal, day.isoformat(), hour, b + 1, int(counts[b]))
                            )
        df = pd.DataFrame(rows, columns=["branch", "terminal", "date", "hour", "button", "n"])
        df.insert(0, "library", LIBRARY_SPECS[j]["display_name"])
        df.insert(5, "question", KIOSK_QUESTION)
        out[key] = df[KIOSK_COLUMNS]
    return out


def simulate_world(seed: int, *, with_text: bool = True) -> _World:
    """The full in-memory simulation behind :func:`generate` (for tests and README figures).

    ``with_text=False`` skips timestamps, segments, branches, comments and kiosk counts (every
    number an analysis uses is identical: those draws come last in each cell's own generator),
    which makes a seed several times cheaper for simulation studies.
    """
    return _simulate(seed, with_text=with_text)
