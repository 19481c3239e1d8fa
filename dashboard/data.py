"""The dashboard's only data access: cached on the data version, which every write bumps.

Pages import this module, never the core: every role decision (names or pseudonyms, comments,
upload history, forum packages, every write) is made by the access layer
(``servicemirror.service``), which :func:`service` builds for the signed-in viewer. Caches hold
only role-independent results (the published cells, query results keyed by library key);
naming or pseudonymising libraries happens after the cache, per viewer, in
:func:`library_labels`, which each browser session keeps for its own viewer (``_per_viewer``).
What is built from labels is cached keyed on the labels themselves (``_summary_under``), so it
is shared only by sessions that see the very same names. Everything a page shows is a published figure: staff cells below k arrive
here already blanked by ``servicemirror.privacy.publish`` and are left out of every derived statistic.

The functions below do the reshaping so pages stay thin: each returns a tidy DataFrame with the
columns named in its docstring.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from servicemirror import queries
from servicemirror import service as service_module
from servicemirror.analysis import change, comment_outcomes, descriptive, power
from servicemirror.analysis import periods as period_rule
from servicemirror.analysis import verdict as verdict_text
from servicemirror.analysis.nps import nps_from_counts
from servicemirror.app import comments as comment_store
from servicemirror.app import forum, hypothesis, uploading
from servicemirror.core import cache, config, db
from servicemirror.dashboard import i18n, signin
from servicemirror.etl import vocab
from servicemirror.privacy import access, publish

# what the pages catch: the database busy or unreadable, a refused write or request (one line)
DatabaseBusy = db.DatabaseBusy
DatabaseError = db.DatabaseError
Refused = service_module.Refused
WRITE_ERRORS = (service_module.LoadRefused, service_module.Refused, db.DatabaseError)

OVERALL = {"wellbeing": "staff", "satisfaction": "patron", "enps": "staff", "nps": "patron"}


def db_path() -> Path:
    """The database this dashboard serves (read once from the environment, at the edge).

    In the dashboard server, a page's reads share one held read connection instead of opening
    the file per call; a writer still gets in within a fraction of a second
    (servicemirror.core.db, "held read connections"). Said on every call, not once at import, so
    a process that also runs other code (the tests) can switch it off again; a script that only
    imports this module keeps short-lived connections.
    """
    if st.runtime.exists():
        db.keep_reads_open()
    return config.default_db_path()


@st.cache_data(ttl=3600, show_spinner=False, max_entries=64)
def _query(path: str, version: int, name: str, params: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    """One named query, keyed on the data version; filters travel as $params, never in pandas."""
    with db.reading(Path(path)) as con:
        return queries.run(con, name, **dict(params))


def query(name: str, **params) -> pd.DataFrame:
    """Run ``queries/NAME.sql`` with ``$params`` through the version-keyed cache."""
    path = db_path()
    return _query(str(path), db.data_version(path), name, tuple(sorted(params.items())))


def published() -> publish.Published | None:
    """The published view for the current data version; None when there is no database yet.

    The one shared object of the cache (``servicemirror.core.cache``), not a copy: unpickling a
    copy on every call cost more than most page queries. Callers read it and never change it.
    """
    return _this_run("published", _published_now)


def _published_now() -> publish.Published | None:
    path = db_path()
    if not db.exists(path):
        return None
    return publish.published(path)


def summary() -> pd.DataFrame:
    """One row per library x period with the published indices (see publish.summary).

    Built once per data version for every session (it is role-independent: library keys, the
    real name column is dropped per viewer); callers read it and never change it.
    """
    path = db_path()
    if not db.exists(path):
        return pd.DataFrame()
    return cache.cached(
        path,
        "published.summary",
        lambda: publish.summary(publish.published(path)),
        version=data_version(),
    )


def _coverage() -> pd.DataFrame:
    """``analysis.periods.coverage`` of the summary, once per data version (read-only)."""
    path = db_path()
    if not db.exists(path):
        return period_rule.coverage(pd.DataFrame())
    return cache.cached(
        path, "published.coverage", lambda: period_rule.coverage(summary()), version=data_version()
    )


# --------------------------------------------------------------------------- naming, per viewer


def principal() -> access.Principal | None:
    """Who is looking (``access.current_principal``): every per-viewer decision starts here.

    ``signin`` is imported above for its side effect: it tells ``access`` how to read this
    browser session, also when a page runs without the router (AppTest.switch_page).
    """
    assert signin.session_identity is not None
    return _this_run("principal", access.current_principal)


def _this_run(name: str, build):
    """``build()`` once per script run, for what a run asks many times and each asking reads
    a file: the data version (its sidecar file), the viewer (the user file), the published view
    (a version check). With thirty sessions at once every such read hands the interpreter to the
    other sessions' runs and waits for it back, so a dozen of them per run add up. A write
    (everything that may write goes through :func:`service`) forgets the run's values, so the
    rest of that run reads the new version. Outside a script run: built every time.
    """
    ctx = get_script_run_ctx(suppress_warning=True)  # None outside a run: nothing to warn
    if ctx is None:
        return build()
    # Streamlit gives every run a new ``cursors`` dict (ScriptRunContext.reset): the run's token;
    # the memo holds it, so its identity cannot be reused by a later run's dict
    memo = getattr(ctx, "_servicemirror_run", None)
    if memo is None or memo[0] is not ctx.cursors:
        memo = (ctx.cursors, {})
        ctx._servicemirror_run = memo
    values = memo[1]
    if name not in values:
        values[name] = build()
    return values[name]


def _forget_this_run() -> None:
    """Drop the run's values of :func:`_this_run` (before anything that may write)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is not None and getattr(ctx, "_servicemirror_run", None) is not None:
        ctx._servicemirror_run = None


def service() -> service_module.Service:
    """The access layer for this database and this viewer: every role decision is made there."""
    viewer = principal()
    _forget_this_run()  # the service may write: the rest of the run reads the version again
    return service_module.Service(db_path(), viewer)


def may_see_detail(library_key: str, show_names: bool) -> bool:
    """Whether this viewer may see the library's own detail (patron comments): its own manager,
    or an admin who switched names on (``access.may_see_detail``)."""
    return service().may_see_detail(library_key, show_names)


def may_upload() -> bool:
    """Whether this viewer may upload at all (admins and managers): the Upload page."""
    return service().may_write_for(None)


def may_write_for(library_key: str | None) -> bool:
    """Whether this viewer may write for ``library_key`` (projects, targets, uploads)."""
    return service().may_write_for(library_key)


def may_administer() -> bool:
    """Undo, personas, settings, the audit log: admins only."""
    return access.may_administer(principal())


def _per_viewer(name: str, build, *key):
    """``build()`` once per browser session, viewer, data version and ``key``.

    A page run asks for the same viewer-dependent frame several times (the labels under the
    scatter, the trends, the pickers); the session's state holds it for that session only, so
    no viewer's labels ever reach another session. Outside a script run: built every time.
    """
    if get_script_run_ctx() is None:
        return build()
    full = (name, data_version(), principal(), *key)
    memo = st.session_state.get("_data_per_viewer")
    if memo is None or memo.get("version") != full[1]:
        memo = {"version": full[1]}  # a write drops every older entry
        st.session_state["_data_per_viewer"] = memo
    if full not in memo:
        memo[full] = build()
    return memo[full]


def library_labels(lang: str, show_names: bool) -> pd.DataFrame:
    """How each library is shown to this viewer (``access.may_see_name``).

    Columns: library_key, label (real name if the library consented, is the viewing manager's
    own, or an admin switched ``show_names`` on; else "Bibliotek C" / "Library C"), token (what
    the URL holds: the pseudonym letter of a hidden library, else the library key), named
    (bool). Sorted by label, never by a score. Held per session and viewer (``_per_viewer``),
    never in a cache shared between viewers; callers read it and never change it.
    """
    return _per_viewer("labels", lambda: service().labels(lang, show_names), lang, show_names)


def key_for_token(labels: pd.DataFrame, token: str | None, show_names: bool) -> str | None:
    """The library key a URL token points to, or None.

    A pseudonym letter resolves for everyone; a library key resolves only when this viewer sees
    that library by name (``labels.named``: consent, the manager's own library, or an admin's
    names switch), so a link cannot unmask a pseudonymised library. ``show_names`` is kept for
    the callers; ``labels`` already carries the decision.
    """
    if not token:
        return None
    match = labels[labels["token"] == token]
    if match.empty:
        match = labels[(labels["library_key"] == token) & labels["named"].astype(bool)]
    return None if match.empty else str(match["library_key"].iloc[0])


def touchpoint_label(touchpoint: str, lang: str) -> str:
    """The service's name in ``lang`` from the one label table (an unknown code made readable)."""
    return i18n.labels.touchpoint_label(touchpoint, lang)


# --------------------------------------------------------------------------- filters' options


def periods() -> list[str]:
    """Every period with data, oldest first (once per data version: every page run asks)."""
    pub = published()
    if pub is None:
        return []
    periods = cache.cached(
        db_path(),
        "published.periods",
        lambda: tuple(sorted(pub.grid["period"].unique())),
        version=data_version(),
    )
    return list(periods)


def period_choice(among: list[str] | None = None) -> dict:
    """The period a page opens on and why (``analysis.periods.default_period``), from the
    published summary; ``among`` limits it to e.g. the periods one library has data in."""
    if among is not None:
        return period_rule.default_period(summary(), among)
    path = db_path()
    # the same for every page and viewer that opens on the whole forum: once per data version
    return cache.cached(
        path,
        "published.period_choice",
        lambda: period_rule.default_period(summary()),
        version=data_version(),
    )


def period_coverage(period: str) -> dict:
    """Libraries in ``period`` per side (``analysis.periods.coverage``): n_both, n_staff_only,
    n_patron_only, n_any (all 0 for a period without data). Every period's counts at once, once
    per data version: every page run asks for one."""
    return dict(_coverage_by_period().get(str(period), dict.fromkeys(_COVERAGE_KEYS, 0)))


_COVERAGE_KEYS = ("n_both", "n_staff_only", "n_patron_only", "n_any")


def _coverage_by_period() -> dict[str, dict[str, int]]:
    path = db_path()
    if not db.exists(path):
        return {}

    def build() -> dict[str, dict[str, int]]:
        cov = _coverage()
        return {
            str(row["period"]): {k: int(row[k]) for k in _COVERAGE_KEYS}
            for _, row in cov.iterrows()
        }

    return cache.cached(path, "published.coverage_by_period", build, version=data_version())


def touchpoints() -> list[str]:
    """Every touchpoint (service) with published patron cells, sorted."""
    pub = published()
    if pub is None:
        return []
    cells = pub.cells
    return sorted(cells.loc[cells["touchpoint"] != "", "touchpoint"].unique())


# --------------------------------------------------------------------------- Overview


def labelled_summary(lang: str, show_names: bool) -> pd.DataFrame:
    """publish.summary with the viewer's label: columns label + the summary columns
    (library_key, period, n_staff, staff_index, enps, n_patron, patron_index, nps,
    suppressed_reason), sorted by label and period. The real name column is dropped. Built once
    per data version and labelling (:func:`labels_key`); callers read it and never change it.
    """
    path = db_path()
    if not db.exists(path):
        return pd.DataFrame()
    key = labels_key(lang, show_names)
    return _labelled("summary", key, lambda: _summary_under(key))


def labels_key(lang: str, show_names: bool) -> tuple:
    """This viewer's labels as a small hashable key, (library_key, label) pairs: what the
    Overview's frames and charts are built from besides the published figures, so they are cached
    per distinct labelling (shared by the sessions that see the same names, never by others)."""
    return _per_viewer(
        "labels_key",
        lambda: tuple(
            zip(
                *(library_labels(lang, show_names)[c] for c in ("library_key", "label")),
                strict=True,
            )
        ),
        lang,
        show_names,
    )


def _labelled(name: str, labels: tuple, build, *key):
    """``build()`` once per database, data version, ``name``, labelling and ``key``: the
    Overview's frames under one viewer's labels, shared by the sessions that see the same names.

    Its own bounded cache, apart from the role-independent one (``servicemirror.core.cache``): a
    forum of 100 libraries has up to 100 labellings (each manager sees the own library by name)
    with three frames each, which would push the published view out of a small shared cache on
    every run. Least recently used entries go first; a newer data version drops the older ones.
    """
    where, version = str(db_path()), data_version()
    return _LABELLED.get(
        (where, version, name, labels, *key),
        build,
        lambda k: k[0] == where and k[1] != version,
    )


MAX_LABELLED = 512  # 100 labellings x (summary, trends, a few periods' points)
_LABELLED = cache.Bounded(MAX_LABELLED)


def _summary_under(labels: tuple) -> pd.DataFrame:
    frame = summary()
    if frame.empty:
        return frame
    by_key = dict(labels)
    frame = frame.drop(columns="library").assign(label=frame["library_key"].map(by_key))
    frame["_o"] = frame["library_key"].map({k: i for i, (k, _) in enumerate(labels)})
    return frame.sort_values(["_o", "period"]).drop(columns="_o").reset_index(drop=True)


def scatter_points(period: str, lang: str, show_names: bool) -> pd.DataFrame:
    """Libraries with both a published staff and patron index in ``period``.

    Columns: label, staff_index, patron_index, n_staff, n_patron (sorted by label). Built once
    per data version, labelling and period (the Overview's every run asks); callers read it and
    never change it.
    """
    path = db_path()
    if not db.exists(path):
        return _points_in(pd.DataFrame(), period)
    return _labelled(
        "scatter_points",
        labels_key(lang, show_names),
        lambda: _points_in(labelled_summary(lang, show_names), period),
        period,
    )


def _points_in(frame: pd.DataFrame, period: str) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["label", "staff_index", "patron_index", "n_staff", "n_patron"])
    rows = frame[frame["period"] == period].dropna(subset=["staff_index", "patron_index"])
    return rows[["label", "staff_index", "patron_index", "n_staff", "n_patron"]].reset_index(
        drop=True
    )


def hidden_in_period(period: str) -> int:
    """How many libraries have patron data in ``period`` but a staff index hidden below k."""
    path = db_path()
    if not db.exists(path):
        return 0
    return cache.cached(
        path,
        "overview.hidden",
        lambda: _hidden_in(summary(), period),
        period,
        version=data_version(),
    )


def _hidden_in(frame: pd.DataFrame, period: str) -> int:
    if frame.empty:
        return 0
    rows = frame[frame["period"] == period]
    return int((rows["suppressed_reason"].notna() & rows["patron_index"].notna()).sum())


def regression_band(points: pd.DataFrame) -> pd.DataFrame:
    """OLS line of patron on staff index with its 95 % band, from the shown (published) points only.

    Columns: x, fit, ci_low, ci_high (empty with fewer than 3 points).
    """
    return descriptive.ols_band(points["staff_index"], points["patron_index"])


def scatter_band(period: str, lang: str, show_names: bool) -> pd.DataFrame:
    """:func:`regression_band` of :func:`scatter_points`, once per data version and period (the
    figures do not depend on the labels); callers read it and never change it."""
    path = db_path()
    if not db.exists(path):
        return regression_band(scatter_points(period, lang, show_names))
    return cache.cached(
        path,
        "overview.band",
        lambda: regression_band(scatter_points(period, lang, show_names)),
        period,
        version=data_version(),
    )


def trends(lang: str, show_names: bool, measure_names: dict[str, str]) -> pd.DataFrame:
    """Both indices over time per library, long: label, period, measure (display name), value.

    Hidden (suppressed) staff values are missing, so a line has a gap rather than a figure.
    """
    path = db_path()
    if not db.exists(path):
        return _trends(pd.DataFrame(), ())
    measures = tuple(measure_names.items())
    return _labelled(
        "trends",
        labels_key(lang, show_names),
        lambda: _trends(labelled_summary(lang, show_names), measures),
        measures,
    )


def _trends(frame: pd.DataFrame, measure_names: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["label", "period", "measure", "value"])
    long = frame.melt(
        id_vars=["label", "period"],
        value_vars=["staff_index", "patron_index"],
        var_name="measure",
        value_name="value",
    )
    long["measure"] = long["measure"].map(dict(measure_names))
    return long.dropna(subset=["value"]).reset_index(drop=True)


# --------------------------------------------------------------------------- Library


def library_series(library_key: str) -> pd.DataFrame:
    """Every published cell of one library over time, with a 95 % interval where it can be given.

    Columns: period, side, measure, touchpoint ('' = overall), n, value (index 0-100, or NPS
    -100..100), ci_low, ci_high, source ('rows' | 'aggregates'), suppressed (bool).
    Suppressed cells keep their row (so the page can say "hidden") but carry no figure.
    """
    pub = published()
    cols = ["period", "side", "measure", "touchpoint", "n", "value", "ci_low", "ci_high"]
    if pub is None:
        return pd.DataFrame(columns=[*cols, "source", "suppressed"])
    cells = pub.cells[pub.cells["library_key"] == library_key].copy()
    low, high = descriptive.mean_ci(cells["mean"], cells["sd"], cells["n"])
    cells["ci_low"], cells["ci_high"] = low, high
    is_nps = cells["measure"].isin(["nps", "enps"]) & cells["promoters"].notna()
    for idx in cells.index[is_nps]:
        row = cells.loc[idx]
        passives = int(row["n"] - row["promoters"] - row["detractors"])
        res = nps_from_counts(int(row["promoters"]), passives, int(row["detractors"]))
        cells.loc[idx, ["ci_low", "ci_high"]] = [res["ci_low"], res["ci_high"]]
    cells = cells.rename(columns={"mean": "value"})
    # sd and the NPS counts travel along for the change's interval (analysis.change)
    extra = ["sd", "promoters", "detractors"]
    return cells[[*cols, "source", "suppressed", *extra]].reset_index(drop=True)


def forum_band() -> pd.DataFrame:
    """The forum's median and interquartile band per period of the overall indices.

    Computed only from published, non-suppressed library cells. Columns: period, measure
    (wellbeing | satisfaction | enps | nps), median, q1, q3, n_libraries.
    """
    pub = published()
    if pub is None:
        return pd.DataFrame(columns=["period", "measure", "median", "q1", "q3", "n_libraries"])
    cells = pub.cells[(pub.cells["touchpoint"] == "") & pub.cells["measure"].isin(list(OVERALL))]
    return descriptive.forum_band(cells.rename(columns={"mean": "value"}), ["period", "measure"])


def versus_forum(series: pd.DataFrame, measures: dict[str, str]) -> pd.DataFrame:
    """One library's overall indices joined to the forum band, for the over-time chart.

    ``measures`` maps measure code -> display name (e.g. wellbeing -> "Staff wellbeing").
    Columns: period, measure (display name), value, ci_low, ci_high, median, q1, q3, source.
    """
    own = series[(series["touchpoint"] == "") & series["measure"].isin(list(measures))]
    band = forum_band()
    out = own.merge(band, on=["period", "measure"], how="outer")
    out = out[out["measure"].isin(list(measures))]
    out["measure"] = out["measure"].map(measures)
    return out[
        ["period", "measure", "value", "ci_low", "ci_high", "median", "q1", "q3", "source"]
    ].sort_values(["measure", "period"])


def touchpoint_series(series: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One library's touchpoint indices over time: period, touchpoint (display name), value,
    ci_low, ci_high, n."""
    tps = series[(series["touchpoint"] != "") & series["value"].notna()].copy()
    tps["touchpoint"] = tps["touchpoint"].map(lambda tp: touchpoint_label(tp, lang))
    return tps[["period", "touchpoint", "value", "ci_low", "ci_high", "n"]].reset_index(drop=True)


def changes(series: pd.DataFrame, period: str, lang: str, names: dict[str, str]) -> pd.DataFrame:
    """What changed since the previous period with data, per measure and touchpoint.

    ``names`` maps measure code -> display name. Only published figures enter; a change to or
    from a hidden cell is missing. Columns: what, measure, previous_period, previous, now,
    change, ci_low, ci_high (the change's 95 % interval) and verdict (improved | declined |
    uncertain | unknown; ``analysis.change``).
    """
    current = series[(series["period"] == period) & series["value"].notna()]
    earlier = series[(series["period"] < period) & series["value"].notna()]
    rows = []
    for _, r in current.iterrows():
        before = earlier[
            (earlier["measure"] == r.measure)
            & (earlier["touchpoint"] == r.touchpoint)
            & (earlier["side"] == r.side)
        ]
        if before.empty or (r.touchpoint == "" and r.measure not in names):
            continue
        prev = before.sort_values("period").iloc[-1]
        what = (
            names.get(r.measure, r.measure)
            if r.touchpoint == ""
            else touchpoint_label(r.touchpoint, lang)
        )
        moved = change.cell_change(r, prev)
        rows.append(
            {
                "what": what,
                "measure": r.measure if r.touchpoint == "" else "touchpoint",
                "previous_period": prev["period"],
                "previous": prev["value"],
                "now": r.value,
                "change": r.value - prev["value"],
                "ci_low": moved["ci_low"],
                "ci_high": moved["ci_high"],
                "verdict": moved["verdict"],
            }
        )
    columns = ["what", "measure", "previous_period", "previous", "now", "change"]
    out = pd.DataFrame(rows, columns=[*columns, "ci_low", "ci_high", "verdict"])
    # overall measures first, in the order of ``names``, then the touchpoints by name
    rank = {name: i for i, name in enumerate(names.values())}
    keys = [(rank.get(w, len(rank)), w) for w in out["what"]]
    return out.iloc[sorted(range(len(out)), key=keys.__getitem__)].reset_index(drop=True)


def item_bars(library_key: str, period: str, side: str, lang: str) -> pd.DataFrame:
    """Diverging stacked-bar layout of one library's Likert items in one period and side.

    Staff items below k never arrive (``publish.visible_items``). Columns: item (text in
    ``lang``), value, level, n, share, start, end, n_item, steps (points on the item's scale),
    answer (the answer's words in ``lang``).
    """
    pub = published()
    # the period and side in SQL: an item's visibility depends only on its own library-period
    # cell, so filtering before the rule gives the same rows at a fraction of the work
    dist = query("item_distribution", library_key=library_key, period=period, side=side)
    if pub is None or dist.empty:
        return pd.DataFrame(columns=["item", "value", "level", "n", "share", "start", "end"])
    dist = publish.visible_items(pub, dist)
    if dist.empty:
        return pd.DataFrame(columns=["item", "value", "level", "n", "share", "start", "end"])
    # a few dozen rows: lists and numpy arrays, one DataFrame at the end (pandas' per-call
    # overhead was most of this function's cost, on every view of the Library page)
    codes = dist["item_code"].tolist()
    text = (dist["text_da"] if lang == "da" else dist["text_en"]).tolist()
    items = [code if t is None or t != t else str(t) for t, code in zip(text, codes, strict=True)]
    n = dist["n"].to_numpy()
    lo = dist["scale_min"].to_numpy(float)
    hi = dist["scale_max"].to_numpy(float)
    n_item: dict[str, int] = {}
    steps: dict[str, int] = {}
    for item, count, low, high in zip(items, n.tolist(), lo.tolist(), hi.tolist(), strict=True):
        n_item[item] = n_item.get(item, 0) + int(count)
        steps.setdefault(item, int(high - low + 1))  # the item's first row, as groupby().first()
    out = descriptive.likert_positions(
        np.array(items, dtype=object), dist["value"].to_numpy(float), n, lo, hi
    )
    laid_out = out.pop("group").tolist()
    out_steps = [steps[item] for item in laid_out]
    # the answer's words (the one label table) by its position on the item's own scale
    answer = [
        i18n.labels.answer_words(s, lang)[lv] if 0 <= lv < s else str(v)
        for s, lv, v in zip(out_steps, out["level"].tolist(), out["value"].tolist(), strict=True)
    ]
    return pd.DataFrame(
        {
            "item": laid_out,
            **out,
            "steps": out_steps,
            "answer": answer,
            "n_item": [n_item[item] for item in laid_out],
        }
    )


def comments(library_key: str, period: str) -> tuple[pd.DataFrame | None, int, int]:
    """Scrubbed patron comments of one library and period, if the group is large enough.

    Returns (comments or None when the patron group is below the comments threshold, the group
    size, the threshold). Comments columns: text, touchpoint. Only an admin or the library's own
    manager gets comments; anyone else gets (None, 0, threshold) without a query being run.
    """
    # the role check is the layer's; the page adds the admin's names switch (may_see_detail)
    return service().comments(library_key, period)


# --------------------------------------------------------------------------- Comments (themes, tone)


@st.cache_data(ttl=3600, show_spinner=False, max_entries=16)
def _comment_counts(path: str, version: int, touchpoint: str, side: str) -> pd.DataFrame:
    with db.reading(Path(path)) as con:
        return comment_store.theme_counts(con, touchpoint=touchpoint, side=side)


def comment_counts(touchpoint: str = "", side: str = "patron") -> pd.DataFrame:
    """Released theme and tone counts of every library x period (groups below k_comments left
    out; ``servicemirror.app.comments.theme_counts`` columns). Role-independent, so cached; staff
    counts are released per viewer by :func:`staff_comment_counts`."""
    path = db_path()
    if not db.exists(path):
        return pd.DataFrame(columns=comment_store.COUNT_COLUMNS)
    return _comment_counts(str(path), db.data_version(path), touchpoint or "", side)


def staff_comment_counts(library_key: str, show_names: bool) -> pd.DataFrame:
    """The library's staff comment theme counts, for its own manager (an admin with names on)
    only; empty for anyone else (``service.staff_comment_counts`` decides)."""
    return service().staff_comment_counts(library_key, show_names)


def comment_examples(
    library_key: str, period: str, show_names: bool, side: str = "patron", touchpoint: str = ""
) -> tuple[pd.DataFrame | None, int, int]:
    """Scrubbed comments with tone and themes for the library's own manager (an admin with names
    on); (None, 0, k) for anyone else (``service.comment_examples`` decides)."""
    return service().comment_examples(library_key, period, show_names, side, touchpoint)


def theme_labels(lang: str) -> dict[str, str]:
    """Theme key -> label in ``lang``: ours from i18n, a library's own theme by its dictionary
    label (else its key)."""
    path = db_path()
    labels: dict[str, str] = {}
    if db.exists(path):
        with db.reading(path) as con:
            dictionary = comment_store.dictionary_in_use(con)
        for row in dictionary.itertuples():
            if row.label and row.theme not in labels:
                labels[row.theme] = str(row.label)
    for key in i18n.TEXT:
        if key.startswith("theme_"):
            labels[key.removeprefix("theme_")] = i18n.t(key, lang)
    return labels


def comment_theme_table(counts: pd.DataFrame, lang: str, labels: dict[str, str]) -> pd.DataFrame:
    """One library-period's counts for display: theme label, comments, share, and each tone's
    share of the theme's comments with its 95 % Wilson interval as text ("62 % (48-74 %)")."""
    themed = counts[counts["theme"] != ""].sort_values("n_comments", ascending=False)
    if themed.empty:
        return pd.DataFrame()
    shares = comment_outcomes.tone_shares(
        themed[["theme", "n_comments", "positive", "neutral", "negative"]]
    )

    def pct(v: float) -> str:
        return i18n.number(100 * v, lang, 0) + " %"

    shares["text"] = [
        i18n.t("tone_interval", lang, share=pct(s), low=pct(lo).rstrip(" %"), high=pct(hi))
        for s, lo, hi in zip(shares["share"], shares["ci_low"], shares["ci_high"], strict=True)
    ]
    wide = shares.pivot(index="theme", columns="tone", values="text")
    out = (
        themed[["theme", "n_comments", "share"]]
        .assign(label=themed["theme"].map(lambda th: labels.get(th, th)))
        .merge(wide, left_on="theme", right_index=True)
    )
    return i18n.table(
        out,
        lang,
        {
            "label": i18n.t("comments_theme", lang),
            "n_comments": i18n.t("comments_n", lang),
            "share": i18n.t("comments_share", lang),
            "positive": i18n.t("tone_positive", lang),
            "neutral": i18n.t("tone_neutral", lang),
            "negative": i18n.t("tone_negative", lang),
        },
        percent=["share"],
    )


def comment_bars(
    counts: pd.DataFrame, period: str, lang: str, labels: dict[str, str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What the themes chart draws for one library-period (``counts`` holds that group's rows,
    ``period`` selects the forum's spread from :func:`comment_counts`).

    Returns (bars: label, tone, tone_rank, share (of all the group's comments), order (the theme's
    share); spread: label, share_median, share_low, share_high across the period's libraries).
    """
    themed = counts[counts["theme"] != ""]
    rows = []
    for rank, tone in enumerate(comment_outcomes.TONES):
        rows.append(
            pd.DataFrame(
                {
                    "label": themed["theme"].map(lambda th: labels.get(th, th)),
                    "tone": i18n.t(f"tone_{tone}", lang),
                    "tone_rank": rank,
                    "share": themed[tone] / themed["n_all"],
                    "order": themed["share"],
                }
            )
        )
    bars = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    everyone = comment_counts(touchpoint="")
    spread = comment_outcomes.theme_spread(everyone[everyone["period"] == period])
    spread = spread.assign(label=spread["theme"].map(lambda th: labels.get(th, th)))
    return bars, spread[["label", "share_median", "share_low", "share_high"]]


def comment_trend(counts: pd.DataFrame, library_key: str, theme: str, lang: str) -> pd.DataFrame:
    """One theme's share of comments per period: this library and the forum's median (columns
    period, share, series). A released library-period without the theme counts as 0."""
    mine = counts[(counts["library_key"] == library_key) & (counts["theme"] == "")][["period"]]
    hits = counts[(counts["library_key"] == library_key) & (counts["theme"] == theme)]
    mine = mine.merge(hits[["period", "share"]], on="period", how="left").fillna({"share": 0.0})
    spread = comment_outcomes.theme_spread(counts)
    forum_median = spread[spread["theme"] == theme][["period", "share_median"]].rename(
        columns={"share_median": "share"}
    )
    return pd.concat(
        [
            mine.assign(series=i18n.t("comments_this_library", lang)),
            forum_median.assign(series=i18n.t("comments_forum_median", lang)),
        ],
        ignore_index=True,
    ).sort_values(["series", "period"])


def comment_outcome_table(result: dict, lang: str) -> pd.DataFrame:
    """The battery's exploratory comment outcomes for display: outcome, n, r, 95 % CI, p, adjusted
    p (empty when there were none)."""
    part = result.get("comment_outcomes") or {}
    rows = [
        {
            "outcome": i18n.t(f"outcome_{r['outcome']}", lang),
            "n": r.get("n"),
            "r": r.get("pearson_r"),
            "ci_low": r.get("ci_low"),
            "ci_high": r.get("ci_high"),
            "p": r.get("p_raw"),
            "p_adjusted": r.get("p_adjusted"),
        }
        for r in part.get("tests") or []
    ]
    if not rows:
        return pd.DataFrame()
    return i18n.table(
        pd.DataFrame(rows),
        lang,
        {
            "outcome": i18n.t("hyp_comment_outcome", lang),
            "n": "n",
            "r": i18n.t("link_r", lang),
            # the headers of every other interval and p column, so the glossary explains them
            "ci_low": i18n.t("ci_low", lang),
            "ci_high": i18n.t("ci_high", lang),
            "p": i18n.t("p_raw", lang),
            "p_adjusted": i18n.t("p_adjusted", lang),
        },
        digits={"r": 2, "ci_low": 2, "ci_high": 2, "p": 3, "p_adjusted": 3},
    )


# --------------------------------------------------------------------------- Services


def touchpoint_matrix(period: str, lang: str, show_names: bool) -> pd.DataFrame:
    """Patron satisfaction per touchpoint per library in ``period``.

    Columns: label, touchpoint_code, touchpoint (display name), value (index 0-100), ci_low,
    ci_high, n. Sorted by label then touchpoint.
    """
    pub = published()
    cols = ["label", "touchpoint_code", "touchpoint", "value", "ci_low", "ci_high", "n"]
    if pub is None:
        return pd.DataFrame(columns=cols)
    c = pub.cells
    cells = c[(c["side"] == "patron") & (c["touchpoint"] != "") & (c["period"] == period)].copy()
    cells = cells[cells["measure"] == "satisfaction"]
    cells["ci_low"], cells["ci_high"] = descriptive.mean_ci(cells["mean"], cells["sd"], cells["n"])
    labels = library_labels(lang, show_names)
    order = {k: i for i, k in enumerate(labels["library_key"])}
    cells["label"] = cells["library_key"].map(
        dict(zip(labels["library_key"], labels["label"], strict=True))
    )
    cells["_o"] = cells["library_key"].map(order)
    cells["touchpoint_code"] = cells["touchpoint"]
    cells["touchpoint"] = cells["touchpoint_code"].map(lambda tp: touchpoint_label(tp, lang))
    cells = cells.rename(columns={"mean": "value"}).sort_values(["_o", "touchpoint_code"])
    return cells[cols].reset_index(drop=True)


def staff_link(lang: str) -> pd.DataFrame:
    """The staff link per touchpoint from the hypothesis battery (published cells only).

    Columns: touchpoint (display name), n (libraries), estimate (r), ci_low, ci_high, p,
    p_adjusted (Benjamini-Hochberg over the touchpoint family).
    """
    table = hypothesis.touchpoints(hypothesis.result(db_path()))
    table["touchpoint"] = table["touchpoint"].map(lambda tp: touchpoint_label(str(tp), lang))
    return table


def kiosk(library_key: str | None, lang: str) -> pd.DataFrame:
    """Smiley-kiosk presses by weekday and hour (one library, or all when None).

    Columns: weekday (1-7), weekday_name, hour, staffed (True/False/None), presses, score
    (0-100: button 1 = 0 .. button 4 = 100), happiest_share. Never mixed into the survey index.
    """
    frame = query("kiosk_hours", library_key=library_key)
    # None, not pd.NA, for "not known": NA has no truth value in the page's labels
    staffed = frame["staffed"].astype("object")
    names = {d: i18n.t(f"weekday_{d}", lang) for d in range(1, 8)}
    return frame.assign(
        staffed=staffed.where(staffed.notna(), None),
        weekday_name=frame["weekday"].map(names),
    )[["weekday", "weekday_name", "hour", "staffed", "presses", "score", "happiest_share"]]


def kiosk_staffed(by_hour: pd.DataFrame) -> pd.DataFrame:
    """Kiosk score in staffed vs unstaffed hours, where known: staffed, presses, score."""
    known = by_hour[by_hour["staffed"].notna()]
    if known.empty:
        return pd.DataFrame(columns=["staffed", "presses", "score"])
    known = known.assign(
        weighted=known["score"] * known["presses"], staffed=known["staffed"].astype(bool)
    )
    out = known.groupby("staffed", as_index=False).agg(
        presses=("presses", "sum"), weighted=("weighted", "sum")
    )
    out["score"] = out["weighted"] / out["presses"]
    return out[["staffed", "presses", "score"]]


# --------------------------------------------------------------------------- Data quality


def coverage(lang: str, show_names: bool, k: int) -> pd.DataFrame:
    """Library x period coverage, long: label, period, side, n, shown (text), status.

    ``status`` is "ok", "suppressed" (staff below k: the count itself is shown only as "< k", so
    no exact small number is published), "aggregates" (arrived only as vendor aggregates) or
    "none". ``shown`` is the text for the matrix cell.
    """
    frame = labelled_summary(lang, show_names)
    if frame.empty:
        return pd.DataFrame(columns=["label", "period", "side", "n", "shown", "status"])
    pub = published()
    src = pub.cells[
        (pub.cells["touchpoint"] == "") & pub.cells["measure"].isin(["wellbeing", "satisfaction"])
    ]
    source = {
        (r.library_key, r.period, r.side): r.source
        for r in src[["library_key", "period", "side", "source"]].itertuples()
    }
    rows = []
    for r in frame.itertuples():
        for side, n in (("staff", r.n_staff), ("patron", r.n_patron)):
            hidden = side == "staff" and isinstance(r.suppressed_reason, str)
            if hidden:
                status, shown, n_out = "suppressed", f"< {k}", np.nan
            elif n == 0:
                status, shown, n_out = "none", "", 0
            else:
                agg = source.get((r.library_key, r.period, side)) == "aggregates"
                status = "aggregates" if agg else "ok"
                shown, n_out = i18n.number(n, lang, 0), n
            rows.append(
                {
                    "label": r.label,
                    "period": r.period,
                    "side": side,
                    "n": n_out,
                    "shown": shown,
                    "status": status,
                }
            )
    return pd.DataFrame(rows)


def coverage_wide(cov: pd.DataFrame, side: str) -> pd.DataFrame:
    """The coverage matrix of one side as a table: one row per library, one column per period,
    cells the shown text (counts, "< k" for suppressed, "" for none)."""
    part = cov[cov["side"] == side]
    wide = part.pivot(index="label", columns="period", values="shown")
    order = list(dict.fromkeys(part["label"]))
    return wide.reindex(order).reset_index()


def reliability() -> dict:
    """α per period and ICC of the staff wellbeing scale from the hypothesis battery.

    Returns the battery's ``reliability`` object (visible staff groups only): icc1, icc2,
    alpha_min, alpha (list of per-period dicts), source, reason.
    """
    return hypothesis.result(db_path()).get("reliability") or {}


def alpha_table(rel: dict) -> pd.DataFrame:
    """Cronbach's α per period: period, n, alpha, ci_low, ci_high."""
    frame = pd.DataFrame(rel.get("alpha") or [])
    if frame.empty:
        return pd.DataFrame(columns=["period", "n", "alpha", "ci_low", "ci_high"])
    return frame[["period", "n", "alpha", "ci_low", "ci_high"]]


def upload_history(lang: str = "en", show_names: bool = True) -> pd.DataFrame:
    """The uploads this viewer may see, newest first, as a manager reads them
    (``uploading.history_table`` columns): an admin all (file names only with names switched
    on), a manager only the own library's, a forum viewer none (``service.upload_history``)."""
    return uploading.history_table(service().upload_history(lang, show_names))


# --------------------------------------------------------------------------- Upload page
# The page's preview helpers are pure functions of the uploaded bytes (nothing is written);
# the two writes, load and undo, go through the access layer.

UploadOptions = uploading.Options
ACCEPTED_SUFFIXES = uploading.ACCEPTED_SUFFIXES
REJECTED_SHOWN = uploading.REJECTED_SHOWN
upload_formats = uploading.formats
safe_name = uploading.safe_name
stage_fraction = uploading.stage_fraction
mapping_gaps = uploading.mapping_gaps
editor_table = uploading.editor_table
editor_roles = uploading.editor_roles
edited_mapping = uploading.edited_mapping
profile_headers = uploading.profile_headers
items_table = uploading.items_table
rejected_table = uploading.rejected_table
columns_table = uploading.columns_table
library_map_table = uploading.library_map_table
with_library_map = uploading.with_library_map
UploadOutcome = uploading.Outcome
change_verdict = change.verdict
CHANGE_VERDICTS = change.VERDICTS


def data_version() -> int:
    """The database's data version (0 without a database): keys widgets and caches. Read once
    per script run (:func:`_this_run`) and again after anything that may write."""
    return _this_run("version", _data_version_now)


def _data_version_now() -> int:
    path = db_path()
    return db.data_version(path) if db.exists(path) else 0


def preview_upload(name: str, content: bytes, options) -> uploading.Outcome:
    """The dry-run interpretation of one uploaded file (nothing written)."""
    return uploading.preview(db_path(), name, content, options)


def upload_file(name: str, content: bytes, options, *, progress=None, profile=None):
    """Load one uploaded file for the libraries this viewer may write for (the access layer)."""
    return service().upload(name, content, options, progress=progress, profile=profile)


def undo_upload(upload_id: int):
    """Undo one upload (admins only; the access layer refuses anyone else)."""
    return service().undo(upload_id)


# --------------------------------------------------------------------------- Forum package page


def package_libraries() -> list[str]:
    """The libraries whose forum package this viewer may download: an admin any library with
    data, a manager the own library, a forum viewer none."""
    path = db_path()
    if not db.exists(path):
        return []
    svc = service()
    return [k for k in forum.libraries_with_data(path) if svc.may_download_package(k)]


def forum_package(library_key: str, periods: tuple[str, ...], lang: str, show_names: bool):
    """(package, file name) of one library's forum package for the preview, through the access
    layer (refused unless this viewer may download it); built once per data version, unsigned."""
    svc = service()
    package = svc.forum_package_preview(library_key, list(periods))
    return package, svc.forum_package_name(package, lang, show_names)


def forum_package_signer(package):
    """A callable that returns the signed package bytes, for the download button: the signing
    key is made (on a first package) only when the user downloads, not when the page is viewed.

    The viewer is fixed now, since the callable runs outside the page's script run."""
    svc = service()
    return lambda: svc.signed_forum_package(package)


def packages_received(lang: str, show_names: bool) -> pd.DataFrame:
    """The forum packages received, the library as this viewer sees it (column ``library``)."""
    path = db_path()
    if not db.exists(path):
        return pd.DataFrame()
    return service().packages_received(lang, show_names)


# --------------------------------------------------------------------------- Hypothesis and Report


def hypothesis_result(lang: str, show_names: bool) -> dict:
    """The ``analyze`` object with each library under the label this viewer sees.

    Raises DatabaseError/DatabaseBusy like the other loaders; the battery's own failures pass
    through for the page to report in one line.
    """
    result = hypothesis.result(db_path())
    labels = library_labels(lang, show_names)
    shown = labels.rename(columns={"label": "display_name"})[["library_key", "display_name"]]
    return hypothesis.with_display_names(result, shown)


def analysis_result() -> dict:
    """The ``analyze`` object with library keys (for the report, which names per viewer)."""
    return hypothesis.result(db_path())


HYP_TEST_TEXT = hypothesis.TEST_TEXT
hyp_count = hypothesis.count
hyp_tests = hypothesis.tests
hyp_within_between = hypothesis.within_between
hyp_lagged = hypothesis.lagged
hyp_touchpoints = hypothesis.touchpoints
hyp_planning = hypothesis.planning
hyp_power_table = hypothesis.power_table
ZERO_RELIABILITY = power.ZERO_RELIABILITY


def hyp_verdict_kind(result: dict) -> str:
    """The verdict's kind (supported, contradicted, ...) when the result does not carry it."""
    return verdict_text.verdict(result)["kind"]


def hyp_power_curve(plan: dict) -> pd.DataFrame:
    """Power against the number of libraries (5..200) for the planning values of ``plan``."""
    return power.power_curve(range(5, 201), lambda_x=plan["lambda_x"], lambda_y=plan["lambda_y"])


def report_html(lang: str, result: dict | None, show_names: bool) -> str:
    """The forum-meeting report with the same library labels this viewer sees on the pages."""
    return service().report_html(lang, result, show_names)


def audit_log() -> pd.DataFrame:
    """Every recorded write, newest first (admins only: the layer refuses anyone else)."""
    return service().audit_log()


# --------------------------------------------------------------------------- projects, targets, segments
# Service projects, targets and segments. Results come from servicemirror.app.service_projects (cached per data version, keyed by
# library key); names or pseudonyms are put in here, per viewer.


def _service_projects():
    # imported on first use: the Overview and Upload pages never need the DiD machinery
    from servicemirror.app import service_projects

    return service_projects


def _target_label(row, lang: str) -> str:
    """'Mål 88: 86,1 (95 % 84,0–88,2), gap −1,9' for the latest measured period of a target."""
    head = i18n.t("target_short", lang, value=i18n.number(row.target_value, lang, 0))
    if row.period is None or pd.isna(row.value):
        return f"{head}: {i18n.t('target_no_data', lang)}"
    return i18n.t(
        "target_label",
        lang,
        head=head,
        period=row.period,
        value=i18n.number(row.value, lang),
        low=i18n.number(row.ci_low, lang),
        high=i18n.number(row.ci_high, lang),
        gap=i18n.number(row.gap, lang),
    )


def targets_latest(lang: str) -> pd.DataFrame:
    """Every target with its latest measurement: target_series columns plus touchpoint_label and
    label (the gap sentence). Empty without a database."""
    path = db_path()
    if not db.exists(path):
        return pd.DataFrame()
    sp = _service_projects()
    latest = sp.tgt.latest_status(sp.targets(path))
    if latest.empty:
        return latest
    latest["touchpoint_label"] = latest["touchpoint"].map(
        lambda tp: touchpoint_label(tp, lang) if tp else i18n.t("overall", lang)
    )
    latest["label"] = [_target_label(r, lang) for r in latest.itertuples()]
    return latest


def target_lines(library_key: str, touchpoint: str | None, lang: str) -> pd.DataFrame:
    """The library's index targets to draw on its time charts (``charts.target_rules``).

    ``touchpoint``: '' = the overall patron index, None = every touchpoint (not overall).
    Columns: touchpoint (display name, as in ``touchpoint_series``), target_value, label, status.
    Only ``index`` targets: top-2 and NPS targets are on another scale than the chart's y axis.
    """
    latest = targets_latest(lang)
    cols = ["touchpoint", "target_value", "label", "status"]
    if latest.empty:
        return pd.DataFrame(columns=cols)
    mine = latest[(latest["library_key"] == library_key) & (latest["measure"] == "index")]
    mine = (
        mine[mine["touchpoint"] != ""]
        if touchpoint is None
        else mine[mine["touchpoint"] == touchpoint]
    )
    return mine.assign(touchpoint=mine["touchpoint_label"])[cols].reset_index(drop=True)


def project_markers(library_key: str, touchpoint: str | None, lang: str) -> pd.DataFrame:
    """The library's projects to mark on its time charts (``charts.project_rules``).

    ``touchpoint``: only projects on it (None = all of the library's projects). Projects with
    no period measured after their start yet are left out. Columns: period, label, touchpoint.
    """
    path = db_path()
    cols = ["period", "label", "touchpoint"]
    if not db.exists(path):
        return pd.DataFrame(columns=cols)
    m = _service_projects().markers(path)
    m = m[(m["library_key"] == library_key) & m["period"].notna()]
    if touchpoint:
        m = m[m["touchpoint"] == touchpoint]
    label = [
        i18n.t("project_marker", lang, title=r.title, start=r.start_date.isoformat())
        for r in m.itertuples()
    ]
    return pd.DataFrame(
        {
            "period": m["period"].to_numpy(),
            "label": label,
            "touchpoint": [touchpoint_label(tp, lang) for tp in m["touchpoint"]],
        },
        columns=cols,
    )


def project_results(lang: str, show_names: bool) -> list[dict]:
    """One `projects --json` object per project, with the library shown as this viewer may see it
    (``library``) and the text in every language rewritten with that label."""
    path = db_path()
    if not db.exists(path):
        return []
    labels = library_labels(lang, show_names)
    names = dict(zip(labels["library_key"], labels["label"], strict=True))
    return _service_projects().projects_json(path, names)


def segment_cells(library_key: str | None, touchpoint: str, dimension: str) -> pd.DataFrame:
    """Published patron segment cells of one library (None = the forum, visible cells pooled) for
    one touchpoint ('' = overall) and segment column, every period.

    Columns: period, segment, n, mean, ci_low, ci_high, suppressed, suppressed_reason
    (forum rows: n_libraries instead of the interval and suppression columns).
    """
    path = db_path()
    if not db.exists(path):
        return pd.DataFrame()
    sp = _service_projects()
    cells = sp.segments(path)
    cells = cells[(cells["touchpoint"] == touchpoint) & (cells["dimension"] == dimension)]
    if library_key is None:
        return sp.seg.forum_segments(cells).reset_index(drop=True)
    mine = cells[cells["library_key"] == library_key]
    return mine[
        ["period", "segment", "n", "mean", "ci_low", "ci_high", "suppressed", "suppressed_reason"]
    ].reset_index(drop=True)


def segment_min_n() -> int:
    """The smallest patron segment shown (analysis.segments: 10, never below the staff k)."""
    pub = published()
    return _service_projects().seg.min_segment_n(pub.k if pub is not None else 5)


TOUCHPOINTS = vocab.TOUCHPOINTS
SEGMENT_DIMENSIONS = service_module.SEGMENT_DIMENSIONS
TARGET_MEASURES = service_module.TARGET_MEASURES


def add_project(**project) -> int:
    """Record a service project through the access layer (own library for a manager)."""
    return service().add_project(**project)


def set_target(**target) -> dict:
    """Set a service-declaration target through the access layer (own library for a manager)."""
    return service().set_target(**target)


def define_persona(**persona) -> str:
    """Define a persona through the access layer (admins only: personas are forum-wide)."""
    return service().define_persona(**persona)


def personas() -> pd.DataFrame:
    """The defined personas (personas_all.sql columns); empty without a database."""
    path = db_path()
    return _service_projects().personas(path) if db.exists(path) else pd.DataFrame()
