"""Pure DataFrame -> Altair chart functions. Colour-blind-safe palette (Okabe-Ito).

No data access and no streamlit here: every title is passed in (already translated), every
frame is already published and labelled, so tests can assert on ``chart.to_dict()``.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from servicemirror.core import labels, layout

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
# Diverging scale for Likert answers, low (vermillion/orange) -> neutral grey -> high (blues):
# Okabe-Ito hues, distinguishable with every common colour-vision deficiency.
LIKERT = {
    2: ["#D55E00", "#0072B2"],
    3: ["#D55E00", "#BBBBBB", "#0072B2"],
    4: ["#D55E00", "#E69F00", "#56B4E9", "#0072B2"],
    5: ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"],
    7: ["#D55E00", "#E69F00", "#F0C080", "#BBBBBB", "#A6D4F2", "#56B4E9", "#0072B2"],
}
# Sequential scale for heatmaps: viridis is perceptually uniform and colour-blind safe.
SEQUENTIAL = "viridis"
STATUS_COLOURS = {
    "ok": "#0072B2",
    "aggregates": "#56B4E9",
    "suppressed": "#E69F00",
    "none": "#EEEEEE",
}


# Axis and legend text dark enough on white for WCAG AA (4.5:1): Vega's default grey labels
# reach only about 3.7:1. tests/test_manager_pages.py computes the ratios from this config.
TEXT_COLOUR, LABEL_COLOUR = "#111111", "#333333"
READABLE = {
    "axis": {"labelColor": LABEL_COLOUR, "titleColor": TEXT_COLOUR, "labelFontSize": 12},
    "legend": {"labelColor": LABEL_COLOUR, "titleColor": TEXT_COLOUR, "labelFontSize": 12},
    "header": {"labelColor": TEXT_COLOUR, "titleColor": TEXT_COLOUR},
    "title": {"color": TEXT_COLOUR},
    "text": {"color": TEXT_COLOUR},
}


def localized(chart, lang: str):
    """Every chart's finishing touch: readable axis and legend text (:data:`READABLE`), and
    number formats per language (decimal comma and dot thousands in Danish)."""
    config = dict(READABLE)
    if lang == "da":
        config["locale"] = {
            "number": {
                "decimal": ",",
                "thousands": ".",
                "grouping": [3],
                "currency": ["", " kr."],
            }
        }
    return chart.configure(**config)


SCATTER_WIDTH, SCATTER_HEIGHT = 720, 420


def _domain(values: pd.Series, pad: float = 0.06) -> list[float]:
    """A fixed axis domain around ``values`` (so pixel positions of labels are known)."""
    lo, hi = float(values.min()), float(values.max())
    span = max(hi - lo, 1.0)
    return [lo - pad * span, hi + pad * span]


def label_spots(
    points: pd.DataFrame, width: float = SCATTER_WIDTH, height: float = SCATTER_HEIGHT
) -> pd.DataFrame:
    """Where each library's name goes beside its point without overlapping another
    (``servicemirror.core.layout.place_labels``), in data units.

    ``points`` columns: label, staff_index, patron_index. Returns the same rows with
    label_x, label_y and side ("right" | "left" | None = no free spot: name left out of the chart).
    """
    out = points.copy()
    if points.empty:
        return out.assign(label_x=[], label_y=[], side=[])
    xd, yd = _domain(points["staff_index"]), _domain(points["patron_index"])
    sx, sy = width / (xd[1] - xd[0]), height / (yd[1] - yd[0])
    px = [(x - xd[0]) * sx for x in points["staff_index"]]
    py = [height - (y - yd[0]) * sy for y in points["patron_index"]]
    spots = layout.place_labels(px, py, [str(v) for v in points["label"]], width, height)
    out["label_x"] = [
        x + (s[0] / sx if s else 0.0) for x, s in zip(points["staff_index"], spots, strict=True)
    ]
    out["label_y"] = [
        y - (s[1] / sy if s else 0.0) for y, s in zip(points["patron_index"], spots, strict=True)
    ]
    out["side"] = [s[2] if s else None for s in spots]
    return out


def scatter_staff_patron(
    points: pd.DataFrame,
    x_title: str,
    y_title: str,
    label_title: str,
    band: pd.DataFrame | None = None,
) -> alt.LayerChart:
    """One point per library: staff index (x) vs patron index (y), with tooltips.

    ``points`` columns: label, staff_index, patron_index, n_staff, n_patron.
    ``band`` (optional; analysis.descriptive.ols_band): x, fit, ci_low, ci_high, drawn as the
    regression line over its 95 % confidence band. Names sit beside their points where they do
    not overlap another name (:func:`label_spots`); the chart has a fixed size so they stay apart.
    """
    xd, yd = _domain(points["staff_index"]), _domain(points["patron_index"])
    x_scale, y_scale = alt.Scale(domain=xd, nice=False), alt.Scale(domain=yd, nice=False)
    base = alt.Chart(points)
    dots = base.mark_circle(size=120, color=OKABE_ITO[0], opacity=0.85).encode(
        x=alt.X("staff_index:Q", title=x_title, scale=x_scale),
        y=alt.Y("patron_index:Q", title=y_title, scale=y_scale),
        tooltip=[
            alt.Tooltip("label:N", title=label_title),
            alt.Tooltip("staff_index:Q", format=".1f", title=x_title),
            alt.Tooltip("patron_index:Q", format=".1f", title=y_title),
            alt.Tooltip("n_staff:Q"),
            alt.Tooltip("n_patron:Q"),
        ],
    )
    spots = label_spots(points)
    names = [
        alt.Chart(spots[spots["side"] == side])
        .mark_text(align="left" if side == "right" else "right", baseline="middle", fontSize=11)
        .encode(
            x=alt.X("label_x:Q", scale=x_scale), y=alt.Y("label_y:Q", scale=y_scale), text="label:N"
        )
        for side in ("right", "left")
        if (spots["side"] == side).any()
    ]
    layers = [dots, *names]
    if band is not None and not band.empty:
        line_base = alt.Chart(band)
        area = line_base.mark_area(opacity=0.2, color=OKABE_ITO[1], clip=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("ci_low:Q", scale=y_scale), y2="ci_high:Q"
        )
        line = line_base.mark_line(color=OKABE_ITO[3], strokeWidth=2, clip=True).encode(
            x=alt.X("x:Q", scale=x_scale), y=alt.Y("fit:Q", scale=y_scale)
        )
        layers = [area, line, *layers]
    return alt.layer(*layers).properties(width=SCATTER_WIDTH, height=SCATTER_HEIGHT)


def _lines_over_time(frame: pd.DataFrame, period_title: str, value_title: str) -> alt.Chart:
    """Lines with points of ``value`` over ``period`` (one tick per period, the value axis not
    forced to 0): the base the over-time charts add their colours and tooltips to."""
    return (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", title=period_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=value_title, scale=alt.Scale(zero=False)),
        )
    )


def small_multiples(
    long: pd.DataFrame, period_title: str, value_title: str, measure_title: str, columns: int = 4
) -> alt.FacetChart:
    """Both indices over time, one small panel per library.

    ``long`` columns: label, period, measure (display name), value. Missing (hidden) values
    leave a gap, never a figure.
    """
    return (
        _lines_over_time(long, period_title, value_title)
        .encode(
            # the key above the panels: on the right it falls outside a 1,280-pixel screen
            color=alt.Color(
                "measure:N",
                title=measure_title,
                scale=alt.Scale(range=OKABE_ITO[:2]),
                legend=alt.Legend(orient="top", direction="horizontal"),
            ),
            strokeDash=alt.StrokeDash(
                "measure:N", title=measure_title, legend=alt.Legend(orient="top")
            ),
            tooltip=["label:N", "period:O", "measure:N", alt.Tooltip("value:Q", format=".1f")],
        )
        .properties(width=140, height=110)
        .facet(facet=alt.Facet("label:N", title=None, sort=None), columns=columns)
    )


def trends_heatmap(
    long: pd.DataFrame, period_title: str, library_title: str, value_title: str
) -> alt.FacetChart:
    """Both indices over time for every library at once: one row per library, one column per
    period, the cell coloured by the index (viridis), one panel per measure side by side.

    ``long`` as :func:`small_multiples` (label, period, measure, value). A hidden (suppressed)
    value has no row, so its cell stays empty, never a figure. The Overview's default view of
    the trends: two panels of rectangles are laid out in a few milliseconds where 100 line
    panels, each with its own axes, keep the browser busy for a second (``docs/user-guide.md``).
    """
    return (
        alt.Chart(long)
        .mark_rect()
        .encode(
            x=alt.X("period:O", title=period_title, axis=alt.Axis(labelAngle=0, orient="top")),
            y=alt.Y("label:N", title=library_title, sort=None, axis=alt.Axis(labelLimit=200)),
            # each measure on its own scale: staff and patron indices sit in different ranges
            color=alt.Color(
                "value:Q",
                title=value_title,
                scale=alt.Scale(scheme=SEQUENTIAL, zero=False),
                legend=alt.Legend(orient="top", direction="horizontal"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title=library_title),
                alt.Tooltip("period:O", title=period_title),
                "measure:N",
                alt.Tooltip("value:Q", format=".1f", title=value_title),
            ],
        )
        # a fixed step per library: 100 libraries stay readable, a forum of 6 stays small
        .properties(width=alt.Step(36), height=alt.Step(14))
        .facet(column=alt.Column("measure:N", title=None, sort=None))
        .resolve_scale(color="independent")
    )


def versus_forum(
    frame: pd.DataFrame, period_title: str, value_title: str, forum_title: str
) -> alt.LayerChart:
    """One library's index over time with its 95 % interval, against the forum's median (dashed)
    and interquartile band (shaded).

    ``frame`` columns: period, value, ci_low, ci_high, median, q1, q3 (one measure).
    """
    base = alt.Chart(frame).encode(
        x=alt.X("period:O", title=period_title, axis=alt.Axis(labelAngle=0))
    )
    band = base.mark_area(opacity=0.25, color="#999999").encode(
        y=alt.Y("q1:Q", title=value_title, scale=alt.Scale(zero=False)),
        y2="q3:Q",
        tooltip=[alt.Tooltip("q1:Q", format=".1f"), alt.Tooltip("q3:Q", format=".1f")],
    )
    median = base.mark_line(color="#555555", strokeDash=[5, 4]).encode(
        y="median:Q", tooltip=[alt.Tooltip("median:Q", title=forum_title, format=".1f")]
    )
    own = frame.dropna(subset=["value"])
    rules = (
        alt.Chart(own)
        .mark_rule(color=OKABE_ITO[0], strokeWidth=2)
        .encode(x="period:O", y="ci_low:Q", y2="ci_high:Q")
    )
    line = (
        alt.Chart(own)
        .mark_line(point=True, color=OKABE_ITO[0], strokeWidth=2.5)
        .encode(
            x="period:O",
            y="value:Q",
            tooltip=[
                "period:O",
                alt.Tooltip("value:Q", format=".1f"),
                alt.Tooltip("ci_low:Q", format=".1f"),
                alt.Tooltip("ci_high:Q", format=".1f"),
            ],
        )
    )
    return alt.layer(band, median, rules, line).properties(height=260)


def service_scale() -> alt.Scale:
    """Each service's one colour (``servicemirror.core.labels``), keyed by its name in either
    language, so a service keeps its colour whatever the language and the services shown."""
    names = labels.touchpoint_colours()
    return alt.Scale(domain=list(names), range=list(names.values()))


def touchpoint_lines(
    frame: pd.DataFrame, period_title: str, value_title: str, touchpoint_title: str
) -> alt.Chart:
    """One line per touchpoint over time. ``frame`` columns: period, touchpoint, value, n."""
    return (
        _lines_over_time(frame, period_title, value_title)
        .encode(
            color=alt.Color(
                "touchpoint:N",
                title=touchpoint_title,
                scale=service_scale(),
                legend=alt.Legend(values=sorted(frame["touchpoint"].dropna().unique().tolist())),
            ),
            tooltip=["touchpoint:N", "period:O", alt.Tooltip("value:Q", format=".1f"), "n:Q"],
        )
        .properties(height=260)
    )


def likert_bars(layout: pd.DataFrame, share_title: str, answer_title: str) -> alt.Chart:
    """Diverging stacked bars, one per item (analysis.descriptive.likert_layout).

    ``layout`` columns: item, value, level, n, share, start, end. Low answers go left of 0.
    """
    if "answer" in layout.columns and "steps" in layout.columns:
        # the answer words in scale order, each with its fixed colour (not the answers present)
        order = layout.drop_duplicates("answer").sort_values(["steps", "level"])
        domain = list(order["answer"])
        colours = [
            labels.answer_colours(int(st))[int(lv)]
            for st, lv in zip(order["steps"], order["level"], strict=True)
        ]
        field = "answer:N"
    else:
        steps = int(layout["level"].max()) + 1 if not layout.empty else 5
        domain, colours, field = None, LIKERT.get(steps, LIKERT[5]), "value:O"
    return (
        alt.Chart(layout)
        .mark_bar()
        .encode(
            # shares left of the midpoint are drawn negative but labelled as plain shares
            x=alt.X(
                "start:Q",
                title=share_title,
                axis=alt.Axis(labelExpr="format(abs(datum.value), '.0%')"),
            ),
            x2="end:Q",
            y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color(
                field,
                title=answer_title,
                scale=alt.Scale(domain=domain, range=colours)
                if domain
                else alt.Scale(range=colours),
                sort=domain,
                legend=alt.Legend(orient="bottom", columns=3)
                if domain and len(domain) > 5
                else alt.Legend(orient="bottom"),
            ),
            order=alt.Order("level:Q"),
            tooltip=["item:N", field, "n:Q", alt.Tooltip("share:Q", format=".0%")],
        )
        # a fixed step per item: the chart grows with the number of items instead of squeezing
        .properties(height=alt.Step(34))
    )


def heatmap(
    frame: pd.DataFrame,
    x: str,
    y: str,
    value: str,
    x_title: str,
    y_title: str,
    value_title: str,
    text: str | None = None,
) -> alt.LayerChart:
    """A rectangle per (x, y) coloured by ``value`` (viridis), optionally labelled with ``text``.

    Used for touchpoint x library satisfaction and kiosk weekday x hour.
    """
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:O", title=x_title, sort=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{y}:O", title=y_title, sort=None, axis=alt.Axis(labelLimit=240)),
    )
    tooltip = [f"{x}:O", f"{y}:O", alt.Tooltip(f"{value}:Q", format=".1f")]
    if "n" in frame.columns:
        tooltip.append(alt.Tooltip("n:Q", title="n"))
    rect = base.mark_rect().encode(
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme=SEQUENTIAL)),
        tooltip=tooltip,
    )
    layers = [rect]
    # dark text on the light (high) end of viridis, light text on the dark end
    threshold = float(frame[value].median()) if not frame.empty else 0.0
    if text is not None:
        layers.append(
            base.mark_text(fontSize=11).encode(
                text=alt.Text(f"{text}:N"),
                color=alt.condition(
                    alt.datum[value] > threshold, alt.value("#000000"), alt.value("#FFFFFF")
                ),
            )
        )
    # a fixed step per row so 15 libraries or 7 weekdays stay readable
    return alt.layer(*layers).properties(height=alt.Step(24))


def coverage_matrix(
    cov: pd.DataFrame, period_title: str, library_title: str, status_title: str, statuses: dict
) -> alt.LayerChart:
    """Library x period matrix coloured by status, each cell labelled with its count.

    ``cov`` columns: label, period, shown (text), status (ok | aggregates | suppressed | none).
    ``statuses`` maps status -> translated legend text. Suppressed cells carry "< k", no count.
    """
    data = cov.assign(status_text=cov["status"].map(statuses))
    order = [statuses[s] for s in STATUS_COLOURS]
    base = alt.Chart(data).encode(
        x=alt.X("period:O", title=period_title, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("label:N", title=library_title, sort=None, axis=alt.Axis(labelLimit=240)),
    )
    rect = base.mark_rect(stroke="#FFFFFF").encode(
        color=alt.Color(
            "status_text:N",
            title=status_title,
            scale=alt.Scale(domain=order, range=list(STATUS_COLOURS.values())),
        ),
        tooltip=["label:N", "period:O", "status_text:N", "shown:N"],
    )
    text = base.mark_text(fontSize=11).encode(
        text="shown:N",
        color=alt.condition(alt.datum.status == "ok", alt.value("#FFFFFF"), alt.value("#000000")),
    )
    return alt.layer(rect, text).properties(height=alt.Step(22))


# --------------------------------------------------------------------------- targets, projects, segments
# Service projects and targets. Layers for the time charts (x = period:O, y = index) and the segment bars.


def target_rules(frame: pd.DataFrame, colour_title: str | None = None) -> alt.Chart:
    """Dashed horizontal lines at service-declaration targets, labelled with the gap.

    ``frame`` columns: touchpoint (display name), target_value, label (e.g. "Mål 88: 86,1
    (95 % 84,0-88,2), gap −1,9"). With ``colour_title`` the line takes its touchpoint's colour
    (the same scale as :func:`touchpoint_lines`), else the Okabe-Ito vermillion.
    """
    colour = (
        alt.Color("touchpoint:N", title=colour_title, scale=service_scale(), legend=None)
        if colour_title
        else alt.value(OKABE_ITO[3])
    )
    base = alt.Chart(frame).encode(y=alt.Y("target_value:Q"), color=colour)
    rule = base.mark_rule(strokeDash=[6, 3], strokeWidth=1.5).encode(
        tooltip=["touchpoint:N", alt.Tooltip("label:N")]
    )
    text = base.mark_text(align="left", dx=4, dy=-6, fontSize=11).encode(
        x=alt.value(0), text="label:N"
    )
    return alt.layer(rule, text)


def project_rules(frame: pd.DataFrame) -> alt.Chart:
    """Vertical markers at the first period measured after a project started.

    ``frame`` columns: period, label (project title and start date).
    """
    base = alt.Chart(frame).encode(x=alt.X("period:O"))
    rule = base.mark_rule(color=OKABE_ITO[7], strokeDash=[2, 2], strokeWidth=1.5).encode(
        tooltip=[alt.Tooltip("label:N")]
    )
    text = base.mark_text(
        align="left", dx=3, baseline="top", fontSize=10, color=OKABE_ITO[7]
    ).encode(y=alt.value(2), text="label:N")
    return alt.layer(rule, text)


def with_targets_and_projects(
    chart,
    targets: pd.DataFrame | None = None,
    markers: pd.DataFrame | None = None,
    colour_title: str | None = None,
):
    """``chart`` (a time chart on period:O x index) with target lines and project markers added;
    empty frames add nothing, so the chart is unchanged for a library without either."""
    layers = [chart]
    if targets is not None and not targets.empty:
        layers.append(target_rules(targets, colour_title))
    if markers is not None and not markers.empty:
        layers.append(project_rules(markers))
    return chart if len(layers) == 1 else alt.layer(*layers)


def segment_bars(frame: pd.DataFrame, value_title: str, segment_title: str) -> alt.LayerChart:
    """Satisfaction per patron segment with its 95 % interval; hidden cells are not drawn.

    ``frame`` columns: segment, mean, ci_low, ci_high, n (published rows only).
    """
    base = alt.Chart(frame).encode(y=alt.Y("segment:N", title=segment_title, sort=None))
    bars = base.mark_bar(color=OKABE_ITO[0]).encode(
        x=alt.X("mean:Q", title=value_title, scale=alt.Scale(domain=[0, 100])),
        tooltip=[
            "segment:N",
            alt.Tooltip("mean:Q", format=".1f"),
            alt.Tooltip("ci_low:Q", format=".1f"),
            alt.Tooltip("ci_high:Q", format=".1f"),
            "n:Q",
        ],
    )
    # the interval is described in the bars' tooltip/aria text; as its own svg "image" without a
    # label it fails WCAG 1.1.1 (axe svg-img-alt), so the whisker layer is hidden from ARIA
    whiskers = base.mark_rule(color=OKABE_ITO[7], aria=False).encode(x="ci_low:Q", x2="ci_high:Q")
    return alt.layer(bars, whiskers).properties(height=alt.Step(22))


# What the data can say about a change or an effect (analysis.change.verdict), one colour each.
VERDICT_COLOURS = {
    "improved": "#0072B2",
    "declined": "#D55E00",
    "uncertain": "#767676",
    "unknown": "#BBBBBB",
}


def effect_intervals(
    frame: pd.DataFrame, x_title: str, colour_title: str, verdict_names: dict[str, str]
) -> alt.LayerChart:
    """One row per project: its estimated effect (point) and 95 % interval (line) against 0,
    coloured by what the data can say (:data:`VERDICT_COLOURS`).

    ``frame`` columns: row (the row's label, e.g. "Library · title"), effect, ci_low, ci_high,
    verdict (improved | declined | uncertain | unknown). ``verdict_names`` maps the verdict
    codes to the words shown in the legend. A project without an estimate keeps its row, with
    its verdict written at 0.
    """
    data = frame.assign(verdict_name=frame["verdict"].map(verdict_names))
    codes = [c for c in VERDICT_COLOURS if c in set(frame["verdict"])]
    colour = alt.Color(
        "verdict_name:N",
        title=colour_title,
        scale=alt.Scale(
            domain=[verdict_names[c] for c in codes], range=[VERDICT_COLOURS[c] for c in codes]
        ),
        legend=alt.Legend(orient="top"),
    )
    y = alt.Y("row:N", title=None, sort=list(frame["row"]), axis=alt.Axis(labelLimit=360))
    base = alt.Chart(data).encode(y=y, color=colour)
    estimated = base.transform_filter("isValid(datum.effect)")
    whisker = estimated.mark_rule(strokeWidth=3).encode(
        x=alt.X("ci_low:Q", title=x_title), x2="ci_high:Q"
    )
    point = estimated.mark_point(filled=True, size=90).encode(
        x="effect:Q",
        tooltip=[
            alt.Tooltip("row:N", title=colour_title),
            alt.Tooltip("effect:Q", format=".1f"),
            alt.Tooltip("ci_low:Q", format=".1f"),
            alt.Tooltip("ci_high:Q", format=".1f"),
            alt.Tooltip("verdict_name:N", title=colour_title),
        ],
    )
    missing = (
        base.transform_filter("!isValid(datum.effect)")
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(x=alt.datum(0), text="verdict_name:N")
    )
    zero = (
        alt.Chart(pd.DataFrame({"x": [0]}))
        .mark_rule(color="#333333", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return alt.layer(zero, whisker, point, missing).properties(height=alt.Step(30))
