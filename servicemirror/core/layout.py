"""Where to put the names beside the points of a scatter so that no two names overlap.

Neither Vega-Lite nor a hand-drawn SVG moves text out of the way, and fifteen libraries with
similar indices print their names on top of each other. :func:`place_labels` tries a few spots
around each point (right of it first, then above/below, then left) and keeps the first one whose
box touches no name already placed and no other point; a name with no free spot is left out of
the chart (it stays in the tooltip and the table under the chart). Pure geometry in pixels:
used by the dashboard's scatter and the report's SVG scatter alike.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CHAR_WIDTH", "LINE_HEIGHT", "boxes_overlap", "place_labels"]

CHAR_WIDTH = 6.6  # px per character at 11-12 px sans-serif (a generous average)
LINE_HEIGHT = 13.0
POINT_RADIUS = 6.0
# (dx, dy, side): offsets of the text's anchor from the point, in pixels; side "left" = the text
# ends at the anchor, "right" = it starts there
_SPOTS = [
    (8, 0, "right"),
    (8, -11, "right"),
    (8, 11, "right"),
    (-8, 0, "left"),
    (-8, -11, "left"),
    (-8, 11, "left"),
    (8, -22, "right"),
    (8, 22, "right"),
    (-8, -22, "left"),
    (-8, 22, "left"),
]


def boxes_overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]):
    """Whether two boxes (x0, y0, x1, y1) share any area."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _box(x: float, y: float, dx: float, dy: float, side: str, text: str):
    width = CHAR_WIDTH * len(text)
    x0 = x + dx if side == "right" else x + dx - width
    yc = y + dy
    return (x0, yc - LINE_HEIGHT / 2, x0 + width, yc + LINE_HEIGHT / 2)


def place_labels(
    xs: Sequence[float],
    ys: Sequence[float],
    texts: Sequence[str],
    width: float,
    height: float,
) -> list[tuple[float, float, str] | None]:
    """One spot per point, in pixel coordinates of a ``width`` x ``height`` plot (y down).

    Returns, per point, ``(dx, dy, side)`` (offset of the text anchor from the point; side
    "right": the text starts at the anchor, "left": it ends there) or None when every spot would
    overlap another name, another point or leave the plot.
    """
    points = [
        (x - POINT_RADIUS, y - POINT_RADIUS, x + POINT_RADIUS, y + POINT_RADIUS)
        for x, y in zip(xs, ys, strict=True)
    ]
    placed: list[tuple[float, float, float, float]] = []
    out: list[tuple[float, float, str] | None] = [None] * len(texts)
    # top of the plot first, so the result does not depend on the order of the rows
    order = sorted(range(len(texts)), key=lambda i: (ys[i], xs[i]))
    for i in order:
        for dx, dy, side in _SPOTS:
            box = _box(xs[i], ys[i], dx, dy, side, texts[i])
            if box[0] < 0 or box[2] > width or box[1] < 0 or box[3] > height:
                continue
            if any(boxes_overlap(box, other) for other in placed):
                continue
            if any(boxes_overlap(box, p) for j, p in enumerate(points) if j != i):
                continue
            placed.append(box)
            out[i] = (dx, dy, side)
            break
    return out
