"""Comment themes and tone in the database: tagging at load time, the dictionary in use, and the
theme counts every output reads (page, CLI, forum package), with the anonymity rules applied here.

Rules (docs/comments.md, docs/privacy.md):

* counts of a library x period (and touchpoint, when one is chosen) are released only when the
  group the comments come from holds at least ``k_comments`` respondents (never below k_staff);
* comment text (examples) goes only to the library's own manager (an admin in local mode), and
  staff text only from a group of at least ``k_comments``;
* the forum gets counts and tone by theme, never text (:func:`package_rows`).

Tags are stored, not computed per view: :func:`tag_untagged` runs inside the transaction that
stores comments (``etl/load.py``) and tags every comment without a tone, so a database made
before comment themes existed is tagged by its next load of survey rows (or by
``servicemirror comments --reset-themes``); loading a new dictionary re-tags every
stored comment in the same transaction (:func:`load_dictionary`).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from servicemirror import queries
from servicemirror.core import db
from servicemirror.core.config import SETTING_DEFAULTS
from servicemirror.etl import comment_tags, comment_themes
from servicemirror.privacy import cells_table, publish

SIDES = ("patron", "staff")
COUNT_COLUMNS = [
    "library_key",
    "period",
    "side",
    "theme",
    "n_comments",
    "share",
    "positive",
    "neutral",
    "negative",
    "n_all",
    "n_group",
    "source",
]


def dictionary_in_use(con) -> pd.DataFrame:
    """The library's own dictionary if it loaded one, else the shipped one (theme, lang, term,
    label)."""
    own = queries.run(con, "comment_dictionary_all")
    return own if not own.empty else comment_themes.default_dictionary()


_TAGGERS: dict[tuple, comment_tags.Tagger] = {}


def _tagger(dictionary: pd.DataFrame) -> comment_tags.Tagger:
    """The compiled dictionary, built once per process and dictionary (every load tags)."""
    key = tuple(dictionary[["theme", "lang", "term"]].itertuples(index=False, name=None))
    if key not in _TAGGERS:
        _TAGGERS.clear()  # one dictionary is in use at a time
        _TAGGERS[key] = comment_tags.build_tagger(dictionary)
    return _TAGGERS[key]


def tag_untagged(con) -> int:
    """Tag every stored comment that has no tone yet, inside the caller's transaction.

    Returns how many comments were tagged. Vectorised over all of them at once (etl/comment_tags).
    """
    untagged = queries.run(con, "comments_untagged")
    if untagged.empty:
        return 0
    tagger = _tagger(dictionary_in_use(con))
    tones, themes = comment_tags.tag(untagged["text"], tagger)
    keys = untagged[["response_id", "upload_id", "item_code"]].reset_index(drop=True)
    con.register("new_comment_tones", keys.assign(tone=tones["tone"].to_numpy()))
    queries.execute(con, "insert_comment_tones")
    con.unregister("new_comment_tones")
    if not themes.empty:
        frame = keys.iloc[themes["index"].to_numpy()].reset_index(drop=True)
        con.register("new_comment_themes", frame.assign(theme=themes["theme"].to_numpy()))
        queries.execute(con, "insert_comment_themes")
        con.unregister("new_comment_themes")
    return len(untagged)


def _store_dictionary(db_path: Path, frame: pd.DataFrame | None) -> int:
    with db.writing(db_path) as con:
        cells_table.keep_current(con)  # comment tags are not in the cells
        queries.execute(con, "comment_dictionary_clear")
        if frame is not None:
            con.register("new_comment_dictionary", frame)
            queries.execute(con, "insert_comment_dictionary")
            con.unregister("new_comment_dictionary")
        queries.execute(con, "comment_tones_clear")
        queries.execute(con, "comment_themes_clear")
        return tag_untagged(con)


def load_dictionary(db_path: Path, path: Path) -> int:
    """Make the dictionary in ``path`` the one in use and re-tag every stored comment.

    The file is read and validated before the database is touched (ReadError, one line); the
    store and the re-tagging are one transaction. Returns how many comments were re-tagged.
    """
    frame = comment_themes.read_dictionary(path)
    return _store_dictionary(Path(db_path), frame)


def reset_dictionary(db_path: Path) -> int:
    """Go back to the shipped dictionary and re-tag every stored comment (one transaction)."""
    return _store_dictionary(Path(db_path), None)


def _settings(con) -> dict[str, str]:
    return dict(SETTING_DEFAULTS) | dict(queries.run(con, "settings_all").itertuples(index=False))


def k_comments(con) -> int:
    """The comments threshold in force (``k_comments``, never below ``k_staff``)."""
    return publish.k_comments_from_settings(_settings(con))


def theme_counts(
    con,
    library_key: str = "",
    period: str = "",
    touchpoint: str = "",
    side: str = "patron",
    k: int | None = None,
) -> pd.DataFrame:
    """Theme and tone counts per library x period that may be released (columns COUNT_COLUMNS).

    Groups below ``k`` (default: k_comments in force) are left out entirely. ``share`` is the
    theme's comments over all comments of the group (``n_all``), so shares of one group may sum
    above 1; theme '' is the group's total.
    """
    if side not in SIDES:
        raise ValueError(f"side must be one of {SIDES}")
    k = k_comments(con) if k is None else k
    frame = queries.run(
        con,
        "comment_theme_counts",
        library_key=library_key or "",
        period=period or "",
        touchpoint=touchpoint or "",
        side=side,
    )
    if frame.empty:
        return pd.DataFrame(columns=COUNT_COLUMNS)
    frame = frame[frame["n_group"].fillna(0) >= k]
    totals = frame[frame["theme"] == ""][["library_key", "period", "n_comments"]]
    frame = frame.merge(
        totals.rename(columns={"n_comments": "n_all"}), on=["library_key", "period"], how="inner"
    )
    frame["share"] = frame["n_comments"] / frame["n_all"]
    for col in ("n_comments", "positive", "neutral", "negative", "n_all", "n_group"):
        frame[col] = frame[col].astype("int64")
    return (
        frame[COUNT_COLUMNS].sort_values(["library_key", "period", "theme"]).reset_index(drop=True)
    )


def examples(
    con, library_key: str, period: str, side: str = "patron", touchpoint: str = ""
) -> tuple[pd.DataFrame | None, int, int]:
    """Scrubbed comments of one group with tone and themes, if the group reaches k_comments.

    Returns (frame or None when the group is below the threshold, group size, threshold). Frame
    columns: text, touchpoint, tone, themes (list). The caller decides whether the viewer may see
    text at all (``access.may_see_detail``); this only applies the group-size rule.
    """
    k = k_comments(con)
    frame = queries.run(
        con,
        "comment_examples",
        library_key=library_key,
        period=period,
        side=side,
        touchpoint=touchpoint or "",
    )
    n_group = int(frame["n_group"].iloc[0]) if not frame.empty else 0
    if frame.empty or n_group < k:
        return None, n_group, k
    frame = frame.assign(themes=frame["themes"].map(lambda s: [t for t in s.split("|") if t]))
    return frame[["text", "touchpoint", "tone", "themes"]].reset_index(drop=True), n_group, k


def json_rows(db_path: Path, library_key: str = "", period: str = "") -> list[dict]:
    """What ``servicemirror comments --json`` prints: one object per library, period and theme
    (patron comments; groups below k_comments left out)."""
    with db.reading(Path(db_path)) as con:
        frame = theme_counts(con, library_key=library_key, period=period, side="patron")
    frame = frame[frame["theme"] != ""]
    return [
        {
            "library": r.library_key,
            "period": r.period,
            "theme": r.theme,
            "n_comments": int(r.n_comments),
            "share": round(float(r.share), 4),
            "positive": int(r.positive),
            "neutral": int(r.neutral),
            "negative": int(r.negative),
        }
        for r in frame.itertuples()
    ]


def package_rows(con, k_staff: int, visible_staff: set[tuple[str, str]]) -> pd.DataFrame:
    """The comment theme counts a forum package may carry (counts, never text).

    Patron groups of at least k_comments; staff groups only where the library x period's staff
    figures are published (``visible_staff``: (library_key, period) pairs) and the group reaches
    k_comments. Columns: library_key, period, side, theme, n_comments, positive, neutral,
    negative, n_group. ``k_staff`` is the package's k (k_comments is never below it).
    """
    k = max(k_comments(con), k_staff)
    parts = []
    for side in SIDES:
        frame = theme_counts(con, side=side, k=k)
        frame = frame[frame["source"] == "rows"]
        if side == "staff":
            keep = [
                (a, b) in visible_staff
                for a, b in zip(frame["library_key"], frame["period"], strict=True)
            ]
            frame = frame[pd.Series(keep, index=frame.index, dtype=bool)]
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    return out[
        [
            "library_key",
            "period",
            "side",
            "theme",
            "n_comments",
            "positive",
            "neutral",
            "negative",
            "n_group",
        ]
    ].reset_index(drop=True)
