"""Filter widgets whose choice lives in the URL (``?period=2024&library=C&touchpoint=counter``).

A reload or a shared link restores the view. Session state holds only the widget's UI state;
the URL is the source of truth when a page opens.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import streamlit as st

from servicemirror import db
from servicemirror.dashboard import data, i18n

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


def periods_or_stop(lang: str) -> list[str]:
    """The periods with data (see :func:`guarded`); the "what to upload" state when there are none."""
    periods = guarded(lang, data.periods)
    if not periods:
        st.info(i18n.t("empty_state", lang))
        st.stop()
    return periods
