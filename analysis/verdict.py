"""The verdict: a plain-language answer in Danish and English.

Built only from the two pre-declared analyses (docs/statistics.md §1):

- primary: the library-level Pearson r (Fisher-z 95 % CI, permutation p) and, beside it, the
  means-as-outcomes multilevel slope (t interval on J - q - 1 df);
- secondary: the within-library slope of the REWB model (>= 2 matched periods).

The answer is chosen from *estimates and intervals*, never from a p-value alone: first the range of
links the data are compatible with (the ends of the 95 % interval in words), then what would
settle it, then the caveats that apply, and always "association, not causation" (Amrhein,
Greenland & McShane 2019, Nature 567, https://doi.org/10.1038/d41586-019-00857-9 , on reading
intervals as compatibility ranges rather than significant / not significant).

Strength words for a correlation (Cohen 1988's conventions, as used in docs/statistics.md §14):
|r| < .1 none, < .3 weak, < .5 moderate, otherwise strong.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal

from .power import (
    ZERO_RELIABILITY,
    libraries_needed,
    min_detectable_r,
    periods_needed,
    within_power,
)

__all__ = ["fmt_number", "strength", "verdict"]

ALPHA = 0.05
GATE_RULE = (
    "The verdict calls the library-level link positive or negative only when the 95 % Fisher "
    "interval of r excludes 0 AND the permutation p is below 0.05; when the two disagree it is "
    "inconclusive (with the reason); without a permutation p the interval decides."
)

Kind = Literal["positive", "negative", "small_or_none", "inconclusive", "not_available"]

RELIABILITY_WANTED = 0.70
FEW_PERIODS = 4
SMALL_J = 30


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def fmt_number(x: object, lang: str = "da", digits: int = 2) -> str:
    """Format a number for display: decimal comma in Danish, point in English.

    Thousands are grouped with "." in Danish and "," in English. Missing or non-finite values
    give an en dash. ``fmt_number(0.314, "da") == "0,31"``; ``fmt_number(1234.5, "en", 1) ==
    "1,234.5"``.
    """
    v = _num(x)
    if v is None:
        return "–"
    s = f"{v:,.{digits}f}"
    if s.startswith("-") and float(s.replace(",", "")) == 0:
        s = s[1:]  # no "-0,00"
    if lang == "da":
        s = s.replace(",", "\0").replace(".", ",").replace("\0", ".")
    elif lang != "en":
        raise ValueError("lang must be 'da' or 'en'")
    return s


def _num(x: object) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, int | float) or hasattr(x, "__float__") and not isinstance(x, str):
        v = float(x)  # numpy scalars
        return v if math.isfinite(v) else None
    return None


def _get(d: object, *keys: str) -> object:
    """First present, non-None value among ``keys`` (dotted paths allowed) in a mapping."""
    if not isinstance(d, Mapping):
        return None
    for key in keys:
        cur: object = d
        for part in key.split("."):
            cur = cur.get(part) if isinstance(cur, Mapping) else None
        if cur is not None:
            return cur
    return None


def _count(x: object) -> int | None:
    if isinstance(x, Sequence) and not isinstance(x, str):
        return len(x)
    v = _num(x)
    # a count must be a whole, non-negative, sane number; anything else is treated as unknown
    if v is None or v < 0 or v > 1e9 or v != int(v):
        return None
    return int(v)


def strength(r: float) -> str:
    """Band of |r|: "none" (< .1), "weak" (< .3), "moderate" (< .5) or "strong"."""
    a = abs(r)
    return "none" if a < 0.1 else "weak" if a < 0.3 else "moderate" if a < 0.5 else "strong"


_STRENGTH_DA = {"weak": "svag", "moderate": "moderat", "strong": "stærk"}


def _phrase(r: float, lang: str, full: bool = True) -> str:
    """'a weak positive link' / 'en svag positiv sammenhæng' (full) or without the noun."""
    band = strength(r)
    if band == "none":
        return "no link" if lang == "en" else "ingen sammenhæng"
    if lang == "en":
        adj = f"a {band} {'positive' if r > 0 else 'negative'}"
        return f"{adj} link" if full else adj
    adj = f"en {_STRENGTH_DA[band]} {'positiv' if r > 0 else 'negativ'}"
    return f"{adj} sammenhæng" if full else adj


def _sign_class(lo: float | None, hi: float | None) -> str | None:
    if lo is None or hi is None:
        return None
    return "positive" if lo > 0 else "negative" if hi < 0 else "zero"


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + (" og " if lang == "da" else " and ") + items[-1]


def _libs(n: int, lang: str) -> str:
    if lang == "da":
        return f"{n} bibliotek" if n == 1 else f"{n} biblioteker"
    return f"{n} library" if n == 1 else f"{n} libraries"


def _ci(lo: float, hi: float, lang: str, digits: int = 2) -> str:
    if lang == "da":
        return (
            f"95 %-sikkerhedsinterval fra {fmt_number(lo, 'da', digits)} "
            f"til {fmt_number(hi, 'da', digits)}"
        )
    return f"95 % CI {fmt_number(lo, 'en', digits)} to {fmt_number(hi, 'en', digits)}"


def _pct(p: float, lang: str) -> str:
    return f"{fmt_number(100 * p, lang, 0)} %"


# --------------------------------------------------------------------------------------------
# the verdict
# --------------------------------------------------------------------------------------------


def verdict(result: Mapping | None) -> dict:
    """Plain-language verdict in Danish and English from the ``analyze --json`` object.

    Parameters
    ----------
    result : dict
        Shaped like the issue-4 JSON object. Keys read (all optional; any part may be None):

        - ``libraries`` (int or list: libraries in the primary analysis), ``periods`` (int or
          list: matched periods);
        - ``library_level``: ``n``, ``pearson_r``, ``ci_low``, ``ci_high``, ``p_permutation``;
        - ``multilevel``: ``slope``, ``ci_low``, ``ci_high``, ``converged``, ``warnings`` (a
          non-empty list, or a ``warning`` string, adds the convergence caveat);
        - ``within_between``: ``beta_within``, ``ci_within_low``, ``ci_within_high`` (as
          ``WithinBetweenResult.as_dict()``; also accepted: ``within.slope``/``within.ci_low``/
          ``within.ci_high`` or ``within_slope``/``within_ci_low``/``within_ci_high``),
          ``converged``, ``n_periods``;
        - ``power``: the dict of :func:`analysis.power.power_summary`;
        - ``reliability``: the dict of :func:`analysis.reliability.reliability_summary`;
        - ``excluded``: list of ``{"library", "reason"}``;
        - ``reasons``: optional ``{part: reason}`` for parts that are None.

    Returns
    -------
    dict
        ``da`` and ``en`` (the text), ``kind`` ("positive" | "negative" | "small_or_none" |
        "inconclusive" | "not_available", from the primary interval(s)), ``basis`` ("between"
        when the library-level analyses carried it, "within" when only change over time could be
        analysed, None), ``caveats`` (codes of the caveats included) and ``range`` (``measure``,
        ``estimate``, ``ci_low``, ``ci_high`` of the interval the first sentence describes).
    """
    res: Mapping = result if isinstance(result, Mapping) else {}
    ll = res.get("library_level") if isinstance(res.get("library_level"), Mapping) else None
    ml = res.get("multilevel") if isinstance(res.get("multilevel"), Mapping) else None
    wb = res.get("within_between") if isinstance(res.get("within_between"), Mapping) else None
    pw = res.get("power") if isinstance(res.get("power"), Mapping) else {}
    rel = res.get("reliability") if isinstance(res.get("reliability"), Mapping) else {}
    excluded = res.get("excluded") if isinstance(res.get("excluded"), Sequence) else []
    excluded = [e for e in excluded if not isinstance(e, str | bytes)] + [
        {"library": None, "reason": e} for e in excluded if isinstance(e, str)
    ]

    J = _count(res.get("libraries"))
    if J is None:
        J = _count(_get(ll, "n"))
    T = _count(res.get("periods"))
    if T is None:
        T = _count(_get(wb, "n_periods", "periods", "T"))

    r = _num(_get(ll, "pearson_r", "r"))
    r_lo, r_hi = _num(_get(ll, "ci_low")), _num(_get(ll, "ci_high"))
    if r_lo is not None and r_hi is not None and r_lo > r_hi:
        r_lo, r_hi = r_hi, r_lo
    p_perm = _num(_get(ll, "p_permutation"))
    b_ml = _num(_get(ml, "slope"))
    ml_lo, ml_hi = _num(_get(ml, "ci_low")), _num(_get(ml, "ci_high"))
    b_w = _num(_get(wb, "within.slope", "within_slope", "beta_within", "slope_within"))
    w_lo = _num(_get(wb, "within.ci_low", "within_ci_low", "ci_within_low", "ci_low_within"))
    w_hi = _num(_get(wb, "within.ci_high", "within_ci_high", "ci_within_high", "ci_high_within"))

    da: list[str] = []
    en: list[str] = []
    caveats: list[str] = []
    rng: dict = {"measure": None, "estimate": None, "ci_low": None, "ci_high": None}

    # ---- 1. the plausible range -------------------------------------------------------------
    have_r = r_lo is not None and r_hi is not None
    have_ml = ml_lo is not None and ml_hi is not None
    kind: Kind = "not_available"
    basis: str | None = None
    where_da = f"På tværs af {_libs(J, 'da')}" if J else "På tværs af bibliotekerne"
    where_en = f"Across {_libs(J, 'en')}" if J else "Across the libraries"
    if have_r:
        basis = "between"
        rng = {"measure": "pearson_r", "estimate": r, "ci_low": r_lo, "ci_high": r_hi}
        same = strength(r_lo) == strength(r_hi) and (strength(r_lo) == "none" or r_lo * r_hi > 0)
        stats_en = [f"r = {fmt_number(r, 'en')}"] if r is not None else []
        stats_da = [f"r = {fmt_number(r, 'da')}"] if r is not None else []
        stats_en.append(_ci(r_lo, r_hi, "en"))
        stats_da.append(_ci(r_lo, r_hi, "da"))
        if p_perm is not None:
            stats_en.append(f"permutation p = {fmt_number(p_perm, 'en', 3)}")
            stats_da.append(f"permutationstest p = {fmt_number(p_perm, 'da', 3)}")
        topic_en = "between staff wellbeing and patron satisfaction"
        topic_da = "mellem medarbejdernes trivsel og brugernes tilfredshed"
        if same:
            en.append(f"{where_en}, the data point to {_phrase(r_hi, 'en')} {topic_en}")
            da.append(f"{where_da} peger data på {_phrase(r_hi, 'da')} {topic_da}")
        elif _sign_class(r_lo, r_hi) in ("positive", "negative") and (
            strength(r_lo if r_lo > 0 else r_hi) == "none"
        ):
            # the interval excludes 0 but reaches down to a negligible size: say the sign first,
            # so the heading ("positive link") and the sentence never contradict each other
            positive = r_lo > 0
            far = strength(r_hi if positive else r_lo)
            far_en = "" if far == "none" else f" and {far}"
            far_da = "" if far == "none" else f" og {_STRENGTH_DA[far]}"
            en.append(
                f"{where_en}, the data point to a {'positive' if positive else 'negative'} link "
                f"{topic_en}, somewhere between very weak{far_en}"
            )
            da.append(
                f"{where_da} peger data på en {'positiv' if positive else 'negativ'} sammenhæng "
                f"{topic_da}, et sted mellem meget svag{far_da}"
            )
        else:
            short = strength(r_lo) != "none" and strength(r_hi) != "none"
            en.append(
                f"{where_en}, the data fit anything from {_phrase(r_lo, 'en', not short)} "
                f"to {_phrase(r_hi, 'en')} {topic_en}"
            )
            da.append(
                f"{where_da} passer data med alt fra {_phrase(r_lo, 'da', not short)} "
                f"til {_phrase(r_hi, 'da')} {topic_da}"
            )
        en[-1] += f" ({'; '.join(stats_en)})."
        da[-1] += f" ({'; '.join(stats_da)})."
        cls = _sign_class(r_lo, r_hi)
        if cls == "positive":
            kind = "positive"
        elif cls == "negative":
            kind = "negative"
        elif -0.3 < r_lo and r_hi < 0.3:
            kind = "small_or_none"
        else:
            kind = "inconclusive"
        # GATE_RULE: a clear answer needs the Fisher interval and the permutation test to agree
        if p_perm is not None:
            perm_clear = p_perm < ALPHA
            if (cls in ("positive", "negative")) != perm_clear:
                kind = "inconclusive"
                caveats.append("tests_disagree")
                en.append(
                    "The interval and the permutation test do not agree on whether the link "
                    f"differs from zero (permutation p = {fmt_number(p_perm, 'en', 3)}), so the "
                    "answer is unsettled."
                )
                da.append(
                    "Intervallet og permutationstesten er ikke enige om, hvorvidt sammenhængen "
                    f"er forskellig fra nul (permutationstest p = {fmt_number(p_perm, 'da', 3)}), "
                    "så svaret er uafklaret."
                )
    elif have_ml:
        basis = "between"
        rng = {"measure": "multilevel_slope", "estimate": b_ml, "ci_low": ml_lo, "ci_high": ml_hi}
        cls = _sign_class(ml_lo, ml_hi)
        kind = (
            "positive" if cls == "positive" else "negative" if cls == "negative" else "inconclusive"
        )
        en.append(
            f"{where_en}, the data fit anything from {fmt_number(ml_lo, 'en')} to "
            f"{fmt_number(ml_hi, 'en')} points of patron satisfaction per point of staff "
            "wellbeing (multilevel model; both on 0-100)."
        )
        da.append(
            f"{where_da} passer data med alt fra {fmt_number(ml_lo, 'da')} til "
            f"{fmt_number(ml_hi, 'da')} point i brugertilfredshed pr. point i medarbejdertrivsel "
            "(flerniveaumodel; begge på 0-100)."
        )
    else:
        caveats.append("no_between")
        en.append(
            "The libraries could not be compared with each other on this question"
            + (
                f" ({_get(res, 'reasons.library_level')})."
                if isinstance(_get(res, "reasons.library_level"), str)
                else "."
            )
        )
        da.append("Bibliotekerne kunne ikke sammenlignes med hinanden på dette spørgsmål.")

    # multilevel beside the correlation
    if have_r and have_ml:
        agree = _sign_class(r_lo, r_hi) == _sign_class(ml_lo, ml_hi)
        est_en = f" ({fmt_number(b_ml, 'en')} points per point, {_ci(ml_lo, ml_hi, 'en')})"
        est_da = f" ({fmt_number(b_ml, 'da')} point pr. point, {_ci(ml_lo, ml_hi, 'da')})"
        if agree:
            en.append(f"The multilevel model gives the same picture{est_en}.")
            da.append(f"Flerniveaumodellen giver samme billede{est_da}.")
        else:
            caveats.append("primary_disagree")
            kind = "inconclusive"
            en.append(
                f"The multilevel model gives a different picture{est_en}, so the answer is "
                "unsettled."
            )
            da.append(f"Flerniveaumodellen giver et andet billede{est_da}, så svaret er uafklaret.")

    # ---- secondary: within libraries over time ------------------------------------------------
    per_en = f", {T} periods" if T else ""
    per_da = f", {T} perioder" if T else ""
    if b_w is not None:
        if basis is None:
            basis = "within"
        head_en = f"Within libraries over time (secondary analysis{per_en}): "
        head_da = f"Inden for det enkelte bibliotek over tid (sekundær analyse{per_da}): "
        body_en = (
            "when a library's staff wellbeing rose by one point, its patron satisfaction changed "
            f"by {fmt_number(b_w, 'en')} points"
        )
        body_da = (
            "når medarbejdertrivslen steg ét point, ændrede brugertilfredsheden sig med "
            f"{fmt_number(b_w, 'da')} point"
        )
        cls_w = _sign_class(w_lo, w_hi)
        if cls_w is None:
            tail_en, tail_da = " (no interval available).", " (intet interval tilgængeligt)."
        else:
            tail_en = (
                f" ({_ci(w_lo, w_hi, 'en')}); "
                + {
                    "positive": "this points to satisfaction rising with wellbeing.",
                    "negative": "this points to satisfaction falling as wellbeing rises.",
                    "zero": "the data fit both a fall and a rise.",
                }[cls_w]
            )
            tail_da = (
                f" ({_ci(w_lo, w_hi, 'da')}); "
                + {
                    "positive": "det peger på, at tilfredsheden stiger med trivslen.",
                    "negative": "det peger på, at tilfredsheden falder, når trivslen stiger.",
                    "zero": "data passer både med et fald og en stigning.",
                }[cls_w]
            )
            if basis == "within" and kind == "not_available":
                kind = (
                    "positive"
                    if cls_w == "positive"
                    else "negative"
                    if cls_w == "negative"
                    else "inconclusive"
                )
                rng = {"measure": "within_slope", "estimate": b_w, "ci_low": w_lo, "ci_high": w_hi}
        en.append(head_en + body_en + tail_en)
        da.append(head_da + body_da + tail_da)
    else:
        caveats.append("no_within")
        en.append(
            "Change over time within libraries could not be analysed"
            + (" (fewer than 2 matched periods)." if (T or 0) < 2 else ".")
        )
        da.append(
            "Udviklingen over tid inden for bibliotekerne kunne ikke analyseres"
            + (
                " (færre end 2 perioder med data fra både medarbejdere og brugere)."
                if (T or 0) < 2
                else "."
            )
        )
    if basis == "within":
        en.append(
            "This is therefore an answer about change within libraries, not about differences between them."
        )
        da.append(
            "Svaret handler derfor om udvikling inden for bibliotekerne, ikke om forskelle mellem dem."
        )

    # ---- 2. what would settle it ---------------------------------------------------------------
    lam_x = _num(_get(rel, "lambda_x"))
    icc2 = _num(_get(rel, "icc2"))
    source = _get(rel, "source")
    settle_en: list[str] = []
    settle_da: list[str] = []
    need = _count(_get(pw, "libraries_needed_r_0_3"))
    if need is None:
        need = libraries_needed(0.3)
    need_att = _count(_get(pw, "libraries_needed_attenuated_r_0_3"))
    # lambda = 0 is the worst attenuation, not "unknown": no number of libraries is enough
    zero_rel = _get(pw, "zero_reliability") is True or (
        lam_x is not None and lam_x <= 0 and source is not None
    )
    if zero_rel:
        settle_en.append(
            "more staff respondents per library before more libraries (at these group sizes the "
            "staff averages carry no between-library signal, so no number of libraries would "
            "be enough)"
        )
        settle_da.append(
            "flere medarbejdersvar pr. bibliotek før flere biblioteker (ved de nuværende antal "
            "svar bærer medarbejdernes gennemsnit ikke noget signal om forskelle mellem "
            "bibliotekerne, så intet antal biblioteker ville være nok)"
        )
    elif J is None or J < need:
        att_en = att_da = ""
        if need_att is not None and need_att > need:
            att_en = f"; about {need_att} once the uncertainty of the staff averages is counted"
            att_da = f"; ca. {need_att}, når usikkerheden i medarbejdernes gennemsnit regnes med"
        settle_en.append(
            f"more libraries (about {need} to detect a moderate link, r = 0.3, with 80 % power"
            f"{att_en})"
        )
        settle_da.append(
            f"flere biblioteker (ca. {need} for med 80 % sandsynlighed at opdage en moderat "
            f"sammenhæng, r = 0,3{att_da})"
        )
    if T is None or T < 8 or b_w is None:
        t_need = periods_needed(0.3, J or 15)
        if t_need is not None and (T is None or t_need > T):
            settle_en.append(
                f"more years of measurements (about {t_need} periods for the within-library question)"
            )
            settle_da.append(
                f"flere års målinger (ca. {t_need} perioder til spørgsmålet om udvikling over tid)"
            )
        else:
            settle_en.append("more years of measurements")
            settle_da.append("flere års målinger")
    low_rel = (lam_x is not None and lam_x < RELIABILITY_WANTED) or (
        icc2 is not None and icc2 < RELIABILITY_WANTED
    )
    if low_rel or source == "aggregates":
        settle_en.append("staff surveys answered by all staff")
        settle_da.append("trivselsmålinger som alle medarbejdere besvarer")
    reasons = [str(_get(e, "reason") or "").lower() for e in excluded]
    is_anon = [("anonym" in x or "fewer than" in x or "suppress" in x) for x in reasons]
    n_anon = sum(is_anon)
    n_instr = sum(
        (not a) and ("instrument" in x or "core" in x or "spørgeskema" in x)
        for a, x in zip(is_anon, reasons, strict=True)
    )
    if n_instr or source == "aggregates" or basis == "within" or not have_r:
        settle_en.append("the forum's shared core questions in every library")
        settle_da.append("forummets fælles kernespørgsmål i alle biblioteker")
    firm = kind in ("positive", "negative")
    if settle_en:
        en.append(
            ("What would make the answer firmer: " if firm else "What would settle it: ")
            + _join(settle_en, "en")
            + "."
        )
        da.append(
            ("Det, der kunne gøre svaret sikrere: " if firm else "Det, der kunne afgøre det: ")
            + _join(settle_da, "da")
            + "."
        )

    # ---- 3. caveats ---------------------------------------------------------------------------
    if J is not None and J < SMALL_J:
        mdr = _num(_get(pw, "min_detectable_r_80"))
        if mdr is None and J >= 4:
            mdr = min_detectable_r(J)
        caveats.append("small_j")
        if mdr is not None:
            en.append(
                f"With only {_libs(J, 'en')}, only strong links (r above about "
                f"{fmt_number(mdr, 'en')}) can be detected reliably."
            )
            da.append(
                f"Med kun {_libs(J, 'da')} kan kun stærke sammenhænge (r over ca. "
                f"{fmt_number(mdr, 'da')}) opdages sikkert."
            )
        else:
            en.append(f"With only {_libs(J, 'en')}, no link can be detected reliably.")
            da.append(f"Med kun {_libs(J, 'da')} kan ingen sammenhæng opdages sikkert.")
    if source == "aggregates":
        caveats.append("aggregates_only")
        lo_l, hi_l = _num(_get(rel, "lambda_x_low")), _num(_get(rel, "lambda_x_high"))
        lam_en = lam_da = ""
        if lo_l is not None and hi_l is not None:
            lam_en = f" (about {fmt_number(lo_l, 'en')}-{fmt_number(hi_l, 'en')})"
            lam_da = f" (ca. {fmt_number(lo_l, 'da')}-{fmt_number(hi_l, 'da')})"
        en.append(
            "Only averages were uploaded for the staff survey, so the reliability of the staff "
            f"averages{lam_en} is estimated from the number of respondents and an assumed ICC(1) "
            "of 0.05-0.20; Cronbach's alpha, ICC and agreement are not available."
        )
        da.append(
            "Der er kun uploadet gennemsnit fra trivselsmålingen, så pålideligheden af "
            f"medarbejdernes gennemsnit{lam_da} er skønnet ud fra antallet af svar og en antaget "
            "ICC(1) på 0,05-0,20; Cronbachs alfa, ICC og enighed kan ikke beregnes."
        )
    elif zero_rel:
        caveats.append("zero_reliability")
        en.append(ZERO_RELIABILITY["en"])
        da.append(ZERO_RELIABILITY["da"])
    elif low_rel:
        caveats.append("low_reliability")
        val = icc2 if icc2 is not None and icc2 < RELIABILITY_WANTED else lam_x
        name = "ICC(2)" if val is icc2 else "λ"
        en.append(
            f"The staff averages per library are not very reliable ({name} = "
            f"{fmt_number(val, 'en')}; 0.70 or more is wanted), which pulls the link towards zero."
        )
        da.append(
            f"Medarbejdernes gennemsnit pr. bibliotek er usikre ({name} = {fmt_number(val, 'da')}; "
            "mindst 0,70 er ønsket), og det trækker sammenhængen mod nul."
        )
    a_min = _num(_get(rel, "alpha_min"))
    if a_min is not None and a_min < RELIABILITY_WANTED:
        caveats.append("low_alpha")
        en.append(
            f"At least one scale hangs together poorly (Cronbach's alpha = {fmt_number(a_min, 'en')}; "
            "0.70 or more is wanted)."
        )
        da.append(
            f"Mindst én skala hænger dårligt sammen (Cronbachs alfa = {fmt_number(a_min, 'da')}; "
            "mindst 0,70 er ønsket)."
        )
    if T is not None and 2 <= T < FEW_PERIODS:
        caveats.append("few_periods")
        wp = within_power(0.3, T, J or 15)["power"]
        extra_en = extra_da = ""
        if wp is not None:
            extra_en = (
                f" (about {_pct(wp, 'en')} chance of detecting a moderate change-over-time link)"
            )
            extra_da = (
                f" (ca. {_pct(wp, 'da')} chance for at opdage en moderat sammenhæng over tid)"
            )
        en.append(f"There are only {T} periods, so change over time says little yet{extra_en}.")
        da.append(
            f"Der er kun {T} perioder, så udviklingen over tid siger endnu ikke meget{extra_da}."
        )
    ml_warn = _get(ml, "warnings", "warning")
    if ml is not None and (
        _get(ml, "converged") is False or (bool(ml_warn) and not isinstance(ml_warn, Mapping))
    ):
        caveats.append("convergence")
        en.append(
            "The multilevel model did not fit cleanly (convergence); treat its figures with care."
        )
        da.append(
            "Flerniveaumodellen kunne ikke tilpasses helt sikkert; brug dens tal med forsigtighed."
        )
    if wb is not None and _get(wb, "converged") is False:
        caveats.append("convergence_within")
        en.append("The within-library model did not converge cleanly; treat its figures with care.")
        da.append(
            "Modellen for udvikling over tid kunne ikke tilpasses helt sikkert; brug dens tal med forsigtighed."
        )
    if excluded:
        caveats.append("excluded")
        n_other = len(excluded) - n_anon - n_instr
        # (count, English reason, Danish reason with its pronoun chosen by count)
        parts = [
            (
                n_anon,
                "fewer staff answered than the anonymity limit allows",
                "for få medarbejdere svarede (anonymitetsgrænsen)",
            ),
            (n_instr, "{they} used a different questionnaire", "{de} brugte et andet spørgeskema"),
            (n_other, "of other reasons", "af andre grunde"),
        ]
        parts = [p for p in parts if p[0] > 0]
        n_ex = len(excluded)
        verb_en = "was" if n_ex == 1 else "were"
        if len(parts) == 1:
            c, r_en, r_da = parts[0]
            why_en = "because " + r_en
            why_da = ("fordi " if c != n_other else "") + r_da
            why_en = why_en.replace("because of other", "for other").format(
                they="it" if n_ex == 1 else "they"
            )
            why_da = why_da.format(de="det" if n_ex == 1 else "de")
            en.append(f"{_libs(n_ex, 'en')} {verb_en} left out of the statistics {why_en}.")
            da.append(f"{_libs(n_ex, 'da')} er holdt uden for beregningerne, {why_da}.")
        else:
            lst_en = [
                f"{c} "
                + ("for other reasons" if r_en.startswith("of other") else "because " + r_en)
                for c, r_en, _ in parts
            ]
            lst_da = [
                f"{c} " + (r_da if r_da.startswith("af andre") else "fordi " + r_da)
                for c, _, r_da in parts
            ]
            lst_en = [x.format(they="it" if x.startswith("1 ") else "they") for x in lst_en]
            lst_da = [x.format(de="det" if x.startswith("1 ") else "de") for x in lst_da]
            en.append(
                f"{_libs(n_ex, 'en')} {verb_en} left out of the statistics: {_join(lst_en, 'en')}."
            )
            da.append(
                f"{_libs(n_ex, 'da')} er holdt uden for beregningerne: {_join(lst_da, 'da')}."
            )
        en[-1] = en[-1][0].upper() + en[-1][1:]

    # ---- always -------------------------------------------------------------------------------
    caveats.append("association_not_causation")
    en.append(
        "This is an association, not causation: happier staff may make patrons more satisfied, "
        "satisfied patrons may make staff happier, or both may follow something else, such as "
        "budget or buildings."
    )
    da.append(
        "Det er en sammenhæng, ikke årsag: gladere medarbejdere kan give mere tilfredse brugere, "
        "tilfredse brugere kan give gladere medarbejdere, eller begge dele kan skyldes noget "
        "tredje, fx økonomi eller bygninger."
    )
    return {
        "da": " ".join(da),
        "en": " ".join(en),
        "kind": kind,
        "basis": basis,
        "caveats": caveats,
        "rule": GATE_RULE,
        "range": rng,
    }
