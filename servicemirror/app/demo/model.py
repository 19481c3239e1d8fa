"""Exact expected values of rounded, clipped normal answers: the truth of the demo's latent model
on the 0-100 index scale, and the true slopes derived from it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def _norm_sf(z: np.ndarray) -> np.ndarray:
    erfc = np.vectorize(math.erfc, otypes=[float])
    return 0.5 * erfc(np.asarray(z, dtype=float) / math.sqrt(2.0))


def expected_answer(mu: Any, sd: float, lo: int, hi: int) -> np.ndarray:
    """E[clip(round(X), lo, hi)] for X ~ N(mu, sd): lo + sum over k of P(X >= k + 0.5)."""
    mu = np.asarray(mu, dtype=float)
    cuts = np.arange(lo, hi) + 0.5
    return lo + _norm_sf((cuts[None, :] - mu.reshape(-1, 1)) / sd).sum(axis=1).reshape(mu.shape)


def to_index(mean: Any, lo: float, hi: float) -> Any:
    """index = (mean - min) / (max - min) * 100."""
    return (np.asarray(mean, dtype=float) - lo) / (hi - lo) * 100.0


def _segment_mixture(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(shift, weight, home-delivery answer rate) for the 12 age x visit-frequency segments."""
    eff, share = p["segment_effects"], p["segment_shares"]
    hd = p["touchpoint_answer_rates"]["home_delivery"]
    shifts, weights, hd_rates = [], [], []
    for age, a_eff in eff["age_band"].items():
        for freq, f_eff in eff["visit_frequency"].items():
            shifts.append(a_eff + f_eff)
            weights.append(share["age_band"][age] * share["visit_frequency"][freq])
            hd_rates.append(hd[age])
    return np.array(shifts), np.array(weights), np.array(hd_rates)


def _staff_index_true(S: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    sd = math.hypot(p["staff_sd_person"], p["staff_sd_item"])
    means = [expected_answer(S + off, sd, 1, 5) for off in p["staff_item_offsets"]]
    return to_index(np.mean(means, axis=0), 1, 5)


def _patron_index_true(P: np.ndarray, p: dict[str, Any]) -> np.ndarray:
    shifts, weights, _ = _segment_mixture(p)
    vals = [
        w * expected_answer(P + s, p["patron_sd_person"], 1, 5)
        for s, w in zip(shifts, weights, strict=True)
    ]
    return to_index(np.sum(vals, axis=0), 1, 5)


def _touchpoint_index_true(level: float, tp: str, p: dict[str, Any]) -> float:
    """Expected touchpoint index of a cell whose latent patron mean plus touchpoint effects is level."""
    shifts, weights, hd_rates = _segment_mixture(p)
    w = weights * hd_rates if tp == "home_delivery" else weights
    sd = math.hypot(p["patron_sd_person"], p["touchpoint_sd_item"])
    vals = expected_answer(level + shifts, sd, 1, 5)
    return float(to_index(np.sum(vals * w) / np.sum(w), 1, 5))


def _slope_at(fn, x0: float, h: float = 0.01) -> float:
    """Numerical d fn / dx at x0."""
    return float((fn(np.array([x0 + h])) - fn(np.array([x0 - h])))[0] / (2 * h))
