"""A self-contained HTML report for a forum meeting (``servicemirror report`` and the Report page).

One file, no network when it is opened: charts are inline SVG drawn here, each followed by its
numbers as a table. Why not Vega-Lite: the vega/vega-lite/vega-embed JavaScript is not available
offline in this environment (altair 6 ships only the schema and loads the JS from a CDN; vl-convert
is not a dependency; Streamlit's copy is split into Vite chunks that cannot be inlined reliably),
and a report that silently needs a CDN shows empty boxes on a meeting-room laptop.

Privacy (docs/privacy.md): everything comes from the publication layer (``publish.Published``) and
the hypothesis result built from it, so no staff figure below k appears; libraries appear under
the labels the access layer gives the viewer (``service.Service.report_html``: the same pseudonym
letters as on the dashboard), or, called directly without them, pseudonyms drawn afresh for this
report, unless they consented to be named; the table is ordered by that label, never by score;
every piece of text is HTML-escaped.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from html import escape
from pathlib import Path

import pandas as pd

from servicemirror.analysis import periods
from servicemirror.app import hypothesis
from servicemirror.core import labels, layout
from servicemirror.privacy import publish

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7"]
WIDTH, HEIGHT, PAD = 640, 400, 56
FORUM_MIN_LIBRARIES = 3


# --------------------------------------------------------------------------- pseudonyms


def _letters(i: int) -> str:
    """A, B, ..., Z, AA, AB, ... for i = 0, 1, ..."""
    out = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        out = chr(65 + rest) + out
    return out


def pseudonyms(grid: pd.DataFrame, lang: str, rng: random.Random | None = None) -> dict[str, str]:
    """library_key -> the name shown: the real name if the library consented, else "Library X".

    Letters are shuffled anew for each report (``rng``), so a pseudonym cannot be learned across
    meetings.
    """
    libraries = grid.drop_duplicates("library_key").sort_values("library_key")
    hidden = [r.library_key for r in libraries.itertuples() if not bool(r.consent_named)]
    (rng or random.SystemRandom()).shuffle(hidden)
    names = {
        key: labels.t("report_pseudonym", lang, letter=_letters(i)) for i, key in enumerate(hidden)
    }
    for r in libraries.itertuples():
        if bool(r.consent_named):
            names[r.library_key] = str(r.display_name)
    return names


# --------------------------------------------------------------------------- SVG charts


def _ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi]."""
    span = max(hi - lo, 1e-9)
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step) * step
    return [first + i * step for i in range(int(math.ceil((hi - first) / step)) + 1)]


def _tick_label(v: float, lang: str) -> str:
    return escape(labels.number(v, lang, 0 if float(v).is_integer() else 1))


def _x_axis(xs: list[float], lang: str, title: str):
    """The x scale and the SVG of its ticks, gridlines and title."""
    ticks = _ticks(min(xs), max(xs))

    def sx(v):
        return PAD + (v - ticks[0]) / ((ticks[-1] - ticks[0]) or 1) * (WIDTH - 2 * PAD)

    parts = [
        f'<line x1="{sx(v):.1f}" y1="{PAD}" x2="{sx(v):.1f}" y2="{HEIGHT - PAD}" class="grid"/>'
        f'<text x="{sx(v):.1f}" y="{HEIGHT - PAD + 16}" text-anchor="middle">'
        f"{_tick_label(v, lang)}</text>"
        for v in ticks
    ]
    parts.append(
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle" class="title">'
        f"{escape(title)}</text>"
    )
    return sx, parts


def _y_axis(ys: list[float], lang: str, title: str):
    """The y scale and the SVG of its ticks, gridlines and (rotated) title."""
    ticks = _ticks(min(ys), max(ys))

    def sy(v):
        return HEIGHT - PAD - (v - ticks[0]) / ((ticks[-1] - ticks[0]) or 1) * (HEIGHT - 2 * PAD)

    parts = [
        f'<line x1="{PAD}" y1="{sy(v):.1f}" x2="{WIDTH - PAD}" y2="{sy(v):.1f}" class="grid"/>'
        f'<text x="{PAD - 6}" y="{sy(v) + 4:.1f}" text-anchor="end">{_tick_label(v, lang)}</text>'
        for v in ticks
    ]
    parts.append(
        f'<text x="14" y="{HEIGHT / 2}" text-anchor="middle" class="title" '
        f'transform="rotate(-90 14 {HEIGHT / 2})">{escape(title)}</text>'
    )
    return sy, parts


def _svg(title: str, desc: str, parts: list[str], ident: str) -> str:
    return (
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(desc)}</desc>'
        + "".join(parts)
        + "</svg>"
    )


def svg_scatter(points: pd.DataFrame, lang: str, title: str) -> str:
    """Staff index (x) vs patron index (y), one labelled point per library.

    ``points`` columns: label, staff_index, patron_index.
    """
    x_title, y_title = labels.t("staff_index", lang), labels.t("patron_index", lang)
    sx, x_parts = _x_axis(list(points["staff_index"]), lang, x_title)
    sy, parts = _y_axis(list(points["patron_index"]), lang, y_title)
    parts += x_parts
    xs = [sx(v) for v in points["staff_index"]]
    ys = [sy(v) for v in points["patron_index"]]
    # names placed so none overlaps another (a name with no free spot stays in the table below)
    # inside the plot area, clear of the axes' tick labels
    spots = layout.place_labels(
        [x - PAD for x in xs],
        [y - PAD for y in ys],
        [str(v) for v in points["label"]],
        WIDTH - 2 * PAD,
        HEIGHT - 2 * PAD,
    )
    for x, y, name, spot in zip(xs, ys, points["label"], spots, strict=True):
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" '
            f'fill="{OKABE_ITO[0]}"><title>{escape(str(name))}</title></circle>'
        )
        if spot is not None:
            dx, dy, side = spot
            anchor = "start" if side == "right" else "end"
            parts.append(
                f'<text x="{x + dx:.1f}" y="{y + dy + 4:.1f}" text-anchor="{anchor}">'
                f"{escape(str(name))}</text>"
            )
    return _svg(title, labels.t("report_chart_alt", lang), parts, "scatter")


def svg_lines(frame: pd.DataFrame, lang: str, title: str, y_title: str) -> str:
    """One line per series over periods. ``frame`` columns: period, series, value."""
    periods = sorted(frame["period"].unique())
    index = {p: i for i, p in enumerate(periods)}
    sy, parts = _y_axis(list(frame["value"]), lang, y_title)
    step = (WIDTH - 2 * PAD) / max(len(periods) - 1, 1)
    for p in periods:
        parts.append(
            f'<text x="{PAD + index[p] * step:.1f}" y="{HEIGHT - PAD + 16}" '
            f'text-anchor="middle">{escape(str(p))}</text>'
        )
    for colour, (name, part) in zip(OKABE_ITO, frame.groupby("series", sort=False), strict=False):
        part = part.sort_values("period")
        coords = " ".join(
            f"{PAD + index[p] * step:.1f},{sy(v):.1f}"
            for p, v in zip(part["period"], part["value"], strict=True)
        )
        last = part.iloc[-1]
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{PAD + index[last["period"]] * step - 4:.1f}" y="{sy(last["value"]) - 9:.1f}" '
            f'text-anchor="end" fill="{colour}" class="title">{escape(str(name))}</text>'
        )
    return _svg(title, labels.t("report_chart_alt", lang), parts, "trend")


# --------------------------------------------------------------------------- tables


def _table(frame: pd.DataFrame, caption: str | None = None) -> str:
    head = "".join(f'<th scope="col">{escape(str(c))}</th>' for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    cap = f"<caption>{escape(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


# --------------------------------------------------------------------------- the report


def build(
    pub: publish.Published,
    result: dict | None,
    lang: str = "da",
    *,
    rng: random.Random | None = None,
    now: datetime | None = None,
    names: dict[str, str] | None = None,
) -> str:
    """The report as one HTML string (da or en) from the published cells and the analysis result.

    ``names``: library_key -> the label to show, as the viewer sees it on the dashboard (the
    access layer's labels, so "Bibliotek C" is the same library in the report and on the pages);
    without it, fresh pseudonyms are drawn for this report (``rng``).
    """
    if lang not in labels.LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(labels.LANGUAGES)}, not {lang!r}")

    def t(key: str, **values) -> str:
        return labels.t(key, lang, **values)

    def num(value, digits: int = 1) -> str:
        return labels.number(value, lang, digits)

    summary = publish.summary(pub)
    names = pseudonyms(pub.grid, lang, rng) if names is None else names
    when = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    body = [
        f"<h1>{escape(t('report_title'))}</h1>",
        f"<p>{escape(t('tagline'))}</p>",
        f'<p class="meta">{escape(t("report_generated", when=when, version=pub.data_version))} '
        f"{escape(t('report_k_note', k=pub.k))}</p>",
    ]
    if summary.empty:
        body.append(f"<p>{escape(t('report_no_data'))}</p>")
        return _page(lang, t("report_title"), body)

    summary = summary.assign(label=summary["library_key"].map(names))

    # the answer, from the two pre-declared analyses
    body.append(f"<h2>{escape(t('report_section_verdict'))}</h2>")
    if result is None:
        body.append(f"<p>{escape(t('hyp_not_ready'))}</p>")
    else:
        verdict = (result.get("verdict") or {}).get(lang) or ""
        body.append(f'<p class="verdict">{escape(_pseudonymise(verdict, pub, names))}</p>')
        tests = hypothesis.tests(result)
        rows = pd.DataFrame(
            {
                t("hyp_tests"): [
                    _test_name(key, label, lang)
                    for key, label in zip(tests["key"], tests["label"], strict=True)
                ],
                t("hyp_role"): [
                    {"primary": t("hyp_primary"), "secondary": t("hyp_secondary")}.get(
                        role, t("hyp_sensitivity")
                    )
                    for role in tests["role"]
                ],
                t("hyp_estimate"): [num(v, 2) for v in tests["estimate"]],
                t("hyp_interval"): [
                    "—" if pd.isna(lo) else f"{num(lo, 2)} … {num(hi, 2)}"
                    for lo, hi in zip(tests["ci_low"], tests["ci_high"], strict=True)
                ],
            }
        )
        body.append(_table(rows, t("report_section_tests")))
        for item in result.get("excluded") or []:
            library = _pseudonymise(str(item.get("library")), pub, names)
            body.append(
                f"<p>{escape(t('hyp_excluded', library=library, reason=str(item.get('reason'))))}</p>"
            )
        body.append(f"<p>{escape(t('hyp_causation'))}</p>")

    # the scatter for the latest period with pairs
    pairs = summary.dropna(subset=["staff_index", "patron_index"])
    if not pairs.empty:
        # the newest period with enough libraries on both sides, not merely the newest upload
        choice = periods.default_period(summary)
        period = choice["period"]
        points = pairs[pairs["period"] == period].sort_values("label")
        title = t("report_section_scatter", period=period)
        body.append(f"<h2>{escape(title)}</h2>")
        why = "report_period_enough" if choice["reason"] == "enough" else "report_period_most"
        body.append(
            f"<p>{escape(t(why, period=period, k=periods.MIN_LIBRARIES, n=choice['n_both']))}</p>"
        )
        body.append(f"<figure>{svg_scatter(points, lang, title)}</figure>")
        numbers = pd.DataFrame(
            {
                t("library"): points["label"],
                t("staff_index"): [num(v) for v in points["staff_index"]],
                t("patron_index"): [num(v) for v in points["patron_index"]],
                t("n_staff"): points["n_staff"],
                t("n_patron"): points["n_patron"],
            }
        )
        body.append(_table(numbers, t("table_of_numbers")))
        body.append(f"<p>{escape(t('association_note'))}</p>")

    # the forum over time: medians of the published (visible) cells only
    # the forum over time: a median of fewer than 3 libraries is no forum median (left out)
    indices = summary.groupby("period")[["staff_index", "patron_index"]]
    trend = indices.median().where(indices.count() >= FORUM_MIN_LIBRARIES).reset_index()
    long = trend.melt("period", var_name="series", value_name="value").dropna()
    if not long.empty and long["period"].nunique() > 1:
        long["series"] = long["series"].map(lambda s: t(s))
        title = t("report_section_trend")
        body.append(f"<h2>{escape(title)}</h2>")
        body.append(f"<figure>{svg_lines(long, lang, title, t('report_forum_median'))}</figure>")
        table = trend.assign(
            staff_index=[num(v) for v in trend["staff_index"]],
            patron_index=[num(v) for v in trend["patron_index"]],
        ).rename(
            columns={
                "period": t("period"),
                "staff_index": t("staff_index"),
                "patron_index": t("patron_index"),
            }
        )
        body.append(_table(table, t("report_forum_median")))

    # every library and period, ordered by the shown name (never by score)
    hidden = t("report_suppressed", k=pub.k)
    full = summary.sort_values(["label", "period"])
    table = pd.DataFrame(
        {
            t("library"): full["label"],
            t("period"): full["period"],
            t("n_staff"): full["n_staff"],
            t("staff_index"): [
                hidden if isinstance(reason, str) else num(v)
                for v, reason in zip(full["staff_index"], full["suppressed_reason"], strict=True)
            ],
            "eNPS": [
                hidden if isinstance(reason, str) else num(v, 0)
                for v, reason in zip(full["enps"], full["suppressed_reason"], strict=True)
            ],
            t("n_patron"): full["n_patron"],
            t("patron_index"): [num(v) for v in full["patron_index"]],
            "NPS": [num(v, 0) for v in full["nps"]],
        }
    )
    body.append(f"<h2>{escape(t('report_section_table'))}</h2>")
    body.append(_table(table))
    body.append(f'<p class="meta">{escape(t("report_footer"))}</p>')
    return _page(lang, t("report_title"), body)


def _test_name(key: str, label, lang: str) -> str:
    if key in hypothesis.TEST_TEXT:
        return labels.t(hypothesis.TEST_TEXT[key][0], lang)
    return str(label or key)


def _pseudonymise(text: str, pub: publish.Published, names: dict[str, str]) -> str:
    """Replace real library names in analysis text by the names this report shows."""
    libraries = pub.grid.drop_duplicates("library_key")
    # longest names first, so "Lyngby-Taarbæk" is replaced before a shorter name inside it
    for r in sorted(libraries.itertuples(), key=lambda r: -len(str(r.display_name))):
        text = text.replace(str(r.display_name), names.get(r.library_key, str(r.display_name)))
    return text


STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:2rem auto;
padding:0 1rem;color:#1a1a1a;line-height:1.5}
h1{font-size:1.8rem}h2{font-size:1.3rem;margin-top:2rem;border-bottom:1px solid #ccc}
.meta{color:#444;font-size:.9rem}.verdict{font-size:1.1rem;background:#eef5fb;padding:1rem;
border-left:4px solid #0072B2}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}caption{text-align:left;font-weight:600}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left}th{background:#f2f2f2}
svg{max-width:100%;height:auto;font-size:12px}svg .grid{stroke:#ddd}svg .title{font-weight:600}
"""


def _page(lang: str, title: str, body: list[str]) -> str:
    return (
        f'<!doctype html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body><main>"
        + "\n".join(body)
        + "</main></body></html>\n"
    )


def write(db_path: Path, out: Path, lang: str = "da") -> Path:
    """Build the report for the database and write it to ``out`` (UTF-8); returns ``out``."""
    pub = publish.published(Path(db_path))
    html = build(pub, hypothesis.result(Path(db_path)), lang)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
