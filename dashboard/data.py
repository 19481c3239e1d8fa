"""The dashboard's only data access: cached on the data version, which every write bumps.

Caches hold only role-independent results (the published cells); naming or pseudonymising
libraries happens after the cache, per viewer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from servicemirror import config, db, publish


def db_path() -> Path:
    """The database this dashboard serves (read once from the environment, at the edge)."""
    return config.default_db_path()


@st.cache_data(ttl=3600, show_spinner=False, max_entries=4)
def _published(path: str, version: int) -> publish.Published:
    with db.reading(Path(path)) as con:
        return publish.build(con)


def published() -> publish.Published | None:
    """The published view for the current data version; None when there is no database yet."""
    path = db_path()
    if not db.exists(path):
        return None
    return _published(str(path), db.data_version(path))


def summary() -> pd.DataFrame:
    """One row per library x period with the published indices (see publish.summary)."""
    pub = published()
    if pub is None:
        return pd.DataFrame()
    return publish.summary(pub)
