"""The one caption that says why patron comment texts are or are not shown, for every page
that shows them (Library, Comments): not the viewer's library, a group below k_comments, none
written, or how many (scrubbed) there are.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

Fetched = tuple[pd.DataFrame | None, int, int]


def shown_comments(
    may_see: bool, fetch: Callable[[], Fetched], t: Callable[..., str]
) -> pd.DataFrame | None:
    """Write the caption and return the comments to show, or None when there are none to show.

    ``fetch`` returns (comments or None when the group is below k, group size, k_comments); it
    is called only when ``may_see`` (the viewer's own library), so no text is read otherwise.
    """
    if not may_see:
        st.caption(t("comments_manager_only"))
        return None
    found, n_group, k_comments = fetch()
    if found is None:
        st.caption(t("comments_below", n=n_group, k=k_comments))
        return None
    if found.empty:
        st.caption(t("comments_none"))
        return None
    st.caption(t("comments_scrubbed", n=len(found)))
    return found
