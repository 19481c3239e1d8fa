"""Filter widgets whose choice lives in the URL (``?period=2024&library=C&touchpoint=counter``).

A reload or a shared link restores the view. Session state holds only the widget's UI state;
the URL is the source of truth when a page opens.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import pandas as pd
import pyarrow as pa
import streamlit as st
from streamlit import dataframe_util

from servicemirror.core import cache, db
from servicemirror.dashboard import charts, data, i18n

T = TypeVar("T")


def choose(
    label: str,
    options: Sequence[str],
    param: str,
    *,
    default: str | None = None,
    format_func: Callable[[str], str] = str,
    key: str | None = None,
) -> str | None:
    """A selectbox over ``options`` that starts from ``?param=`` and writes its choice back.

    Falls back to ``default`` (else the last option) when the URL holds nothing valid. Returns
    None when there are no options.
    """
    options = list(options)
    if not options:
        return None
    wanted = st.query_params.get(param)
    if wanted not in options:
        wanted = default if default in options else options[-1]
    choice = st.selectbox(
        label,
        options,
        index=options.index(wanted),
        format_func=format_func,
        key=key or f"filter_{param}",
    )
    st.query_params[param] = choice
    return choice


def view(label: str, options: dict[str, str], param: str) -> str:
    """Horizontal radio buttons over ``options`` (token -> label; the first is the default),
    starting from ``?param=token`` and writing the choice back (removed for the default), so a
    shared link opens the same view. Returns the token."""
    tokens = list(options)
    wanted = st.query_params.get(param)
    chosen = st.radio(
        label,
        tokens,
        index=tokens.index(wanted) if wanted in tokens else 0,
        format_func=options.get,
        horizontal=True,
        key=f"filter_{param}",
    )
    if chosen != tokens[0]:
        st.query_params[param] = chosen
    elif param in st.query_params:
        del st.query_params[param]
    return chosen


def show_names() -> bool:
    """Whether this viewer chose to see real library names (local single-user mode only)."""
    return bool(st.session_state.get("show_names", False))


def language() -> str:
    """The language chosen in the sidebar (app.py), else the URL's ``?lang=``, else Danish.

    The URL fallback matters when a page runs without the router's frame (AppTest.switch_page).
    """
    lang = st.session_state.get("language") or st.query_params.get("lang")
    return lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def guarded(lang: str, loader: Callable[[], T]) -> T:
    """``loader()``, or one clear message and ``st.stop()`` when the database is busy or unreadable.

    Busy: a write holds the lock longer than the bounded wait. Unreadable: e.g. a database from a
    newer version. Either way one line on the page, never a traceback.
    """
    try:
        return loader()
    except db.DatabaseBusy:
        st.warning(i18n.t("busy", lang))
        st.stop()
    except db.DatabaseError as exc:
        st.error(str(exc))
        st.stop()


def _build_spec(build: str, lang: str, args: tuple) -> dict:
    # keyed on the chart's own input (the figures and the labels this viewer sees), so a spec is
    # shared only between sessions that would draw the very same chart
    # Altair's JSON-schema check of the spec is most of a chart's build time; every chart
    # builder is checked against the schema by the tests (tests/test_charts.py), so the page skips it
    spec = charts.localized(getattr(charts, build)(*args), lang).to_dict(validate=False)
    # the datasets as the Arrow bytes Streamlit sends (what st.altair_chart converts them to),
    # so a session reusing the spec does not convert them again
    spec["datasets"] = {
        name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(rows))
        for name, rows in spec.get("datasets", {}).items()
    }
    return spec


_chart_spec = st.cache_data(ttl=3600, show_spinner=False, max_entries=64)(_build_spec)


def chart(lang: str, build: Callable[..., object], *args, key: Hashable | None = None) -> None:
    """Draw ``charts.<build>(*args)``, localized (``charts.localized``).

    Building an Altair chart and its Vega-Lite spec costs tens of milliseconds, more than the
    page's queries; the spec is built once per distinct input and reused by every session that
    draws the same chart (a forum meeting's viewers see the same Overview). Without ``key`` the
    input is told apart by hashing ``args`` (Streamlit's cache); a page that can name everything
    the chart is built from (data version, period, the viewer's labels) passes it as ``key``,
    which spares hashing the frames on every run.
    """
    if key is None:
        spec = _chart_spec(build.__name__, lang, args)
    else:
        spec = keyed(
            ("chart", build.__name__, lang, key), lambda: _build_spec(build.__name__, lang, args)
        )
    st.vega_lite_chart(spec=spec)


def keyed(full: tuple, build: Callable[[], T]) -> T:
    """``build()`` once per ``full`` key, for what a page can name everything it is built from
    (data version, period, the viewer's labels: :func:`chart`'s ``key``), shared by the sessions
    that would draw the very same thing; no hashing of frames. Least recently used entries go
    first. Callers read the result and never change it."""
    return _KEYED.get(full, build)


# a forum of 100 libraries: per manager's labelling one scatter, one trend chart (two while the
# lines are switched on), the scatter's unplaced names and the trends' table, for a period or two
MAX_KEYED = 1024
_KEYED = cache.Bounded(MAX_KEYED)


def unplaced_names(points: pd.DataFrame, key: Hashable | None = None) -> int:
    """How many names ``charts.label_spots`` leaves out of the scatter (no free spot beside the
    point); placing 100 names costs tens of milliseconds, so once per distinct set of points
    (``key`` names them as :func:`chart`'s does; without it the points are hashed)."""
    if key is None:
        return _unplaced_names(points)
    return keyed(("unplaced", key), lambda: _unplaced_names(points))


@st.cache_data(ttl=3600, show_spinner=False, max_entries=64)
def _unplaced_names(points: pd.DataFrame) -> int:
    return int(charts.label_spots(points)["side"].isna().sum())


def number_table(
    frame: pd.DataFrame,
    lang: str,
    columns: dict[str, str],
    digits: dict[str, int],
    key: Hashable | None = None,
):
    """``i18n.table`` (numbers written as ``lang`` writes them), once per distinct frame: a
    table of every library and period is thousands of numbers to format.

    With ``key`` (as :func:`chart`'s) the table is kept as the Arrow table ``st.dataframe`` sends,
    so a session reusing it neither hashes the frame nor converts it again.
    """
    if key is None:
        return _number_table(frame, lang, columns, digits)
    return keyed(
        ("table", lang, key, tuple(columns.items())),
        lambda: pa.Table.from_pandas(
            _number_table(frame, lang, columns, digits), preserve_index=False
        ),
    )


@st.cache_data(ttl=3600, show_spinner=False, max_entries=64)
def _number_table(
    frame: pd.DataFrame, lang: str, columns: dict[str, str], digits: dict[str, int]
) -> pd.DataFrame:
    return i18n.table(frame, lang, columns, digits=digits)


def periods_or_stop(lang: str) -> list[str]:
    """The periods with data (see :func:`guarded`); the "what to upload" state when there are none."""
    periods = guarded(lang, data.periods)
    if not periods:
        st.info(i18n.t("empty_state", lang))
        st.stop()
    return periods


def period_with_reason(lang: str, periods: Sequence[str], among: list[str] | None = None) -> str:
    """The period picker, opening on the newest period the page's question can be answered in
    (``data.period_choice``), and one line saying which period is shown and why; a period with
    too few libraries to compare says so in words."""
    choice = data.period_choice(among)
    period = choose(i18n.t("period", lang), periods, "period", default=choice["period"])
    k = data.period_rule.MIN_LIBRARIES
    if period == choice["period"]:
        if choice["reason"] == "enough":
            text = i18n.t("period_default_enough", lang, period=period, k=k, n=choice["n_both"])
        else:
            text = i18n.t("period_default_most", lang, period=period, k=k, n=choice["n_both"])
        if choice["newer"]:
            text += " " + i18n.t("period_newer_thin", lang, newer=", ".join(choice["newer"]), k=k)
        st.caption(text)
    cov = data.period_coverage(period)
    if cov["n_any"] == 1:
        st.warning(i18n.t("period_one_library", lang, period=period))
    elif cov["n_both"] < k:
        st.warning(
            i18n.t("period_thin", lang, period=period, n_any=cov["n_any"], n=cov["n_both"], k=k)
        )
    return period


def touchpoint_picker(lang: str) -> str:
    """The touchpoint picker: one touchpoint, or "" for all of them."""
    return choose(
        i18n.t("touchpoint", lang),
        ["", *data.touchpoints()],
        "touchpoint",
        default="",
        format_func=lambda tp: (
            data.touchpoint_label(tp, lang) if tp else i18n.t("all_touchpoints", lang)
        ),
    )


def library_picker(lang: str, labels, names: bool, *, everyone: bool = False) -> str:
    """The library select box every page shares: libraries under the labels this viewer sees
    (``data.library_labels``), opening on the ``library`` URL parameter, kept in the URL.

    ``everyone`` adds "all libraries" as the first choice (its token is ""). Returns the token.
    """
    by_token = dict(zip(labels["token"], labels["label"], strict=True))
    if everyone:
        by_token = {"": i18n.t("all_libraries", lang), **by_token}
    wanted = data.key_for_token(labels, st.query_params.get("library"), names)
    default = labels.loc[labels["library_key"] == wanted, "token"]
    fallback = "" if everyone else labels["token"].iloc[0]
    return choose(
        i18n.t("library", lang),
        list(by_token),
        "library",
        default=default.iloc[0] if len(default) else fallback,
        format_func=lambda tok: by_token.get(tok, tok),
    )


@dataclass(frozen=True)
class Preamble:
    """What every page starts from (:func:`preamble`): the language, whether this viewer asked
    for real names, ``t()`` in that language, and the libraries under the labels this viewer
    sees, with the one library picker."""

    lang: str
    names: bool

    def t(self, key: str, **values) -> str:
        """The text ``key`` in the page's language (``i18n.t``)."""
        return i18n.t(key, self.lang, **values)

    def num(self, value, digits: int = 1) -> str:
        """A number as the page's language writes it (decimal comma in Danish)."""
        return i18n.number(value, self.lang, digits)

    @cached_property
    def labels(self) -> pd.DataFrame:
        """``data.library_labels`` for this viewer: library_key, label, token, named (read once
        per run, when a page first asks)."""
        return data.library_labels(self.lang, self.names)

    @cached_property
    def label_of(self) -> dict[str, str]:
        """library_key -> the label this viewer sees."""
        return dict(zip(self.labels["library_key"], self.labels["label"], strict=True))

    def label_of_token(self, token: str | None) -> str:
        """The label of a picker's token ("" or None: all libraries)."""
        if not token:
            return self.t("all_libraries")
        return dict(zip(self.labels["token"], self.labels["label"], strict=True))[token]

    def library_key(self, token: str | None) -> str | None:
        """The library key of a picker's token (``data.key_for_token``); None for all."""
        return data.key_for_token(self.labels, token, self.names)

    def library_picker(self, *, everyone: bool = False) -> str:
        """The one library select box (:func:`library_picker`); returns its token."""
        return library_picker(self.lang, self.labels, self.names, everyone=everyone)


def preamble(title_key: str | None = None) -> Preamble:
    """The start of every page: its language (:func:`language`), the names switch
    (:func:`show_names`) and, with ``title_key``, its title."""
    page = Preamble(language(), show_names())
    if title_key is not None:
        st.title(page.t(title_key))
    return page
