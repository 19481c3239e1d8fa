"""The one access layer: every page, command, report, export and forum package goes through it.

A :class:`Service` is made with the database path and the :class:`~servicemirror.privacy.access.Principal`
asking. It alone decides

- what may be **read**: the published cells (the same for everyone, from the one cache in
  ``servicemirror.core.cache``), library names vs pseudonyms (per viewer, after the cache), patron
  comments (own manager or an admin with names on, and only for groups of at least k_comments),
  the upload history (an admin all of it, a manager the uploads of the own library only), forum
  packages (an admin any library's, a manager the own library's, a forum viewer none), the audit
  log (admins);
- what may be **written**: uploads and undo, projects, targets, personas, settings, mapping
  profiles, users. An admin writes anything; a manager writes only for the own library (uploads,
  projects, targets, mapping profiles); a forum viewer writes nothing.

A refused request raises :class:`Refused` (a ``PermissionError``) with one line saying what and
why, before anything is read or written. Every write that lands is recorded in the ``audit`` table
(who, role, when, what, which library), which admins read with ``servicemirror audit``.

Roles in one table (docs/architecture.md has the same):

============  ===========================  ===================================  ==============
role          sees names                   writes                               downloads
============  ===========================  ===================================  ==============
admin         all, when names switched on  everything, for any library          any package
manager       consenting + own library     uploads/projects/targets: own        own package
forum viewer  consenting libraries         nothing                              nothing
============  ===========================  ===================================  ==============
"""

from __future__ import annotations

import copy
import os
import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from servicemirror import queries
from servicemirror.app import uploading
from servicemirror.core import cache, db, labels
from servicemirror.etl import load
from servicemirror.privacy import access, publish, users

# forum and report (statistics, statsmodels) are imported where used: `servicemirror load` never
# needs them, and importing them cost every command a second
if TYPE_CHECKING:
    from servicemirror.app import forum

# One pseudonym seed per process: every page, the report and every file name this process makes
# show a library under the same letter; a restarted dashboard (a new meeting) draws new letters.
# Never written anywhere (URL, file, log), so nobody can recompute who is who.
PROCESS_SEED = secrets.randbits(32)

USER_ENV = "SERVICEMIRROR_USER"


LoadRefused = load.LoadRefused  # the writers' one-line refusal, for callers of this layer
SEGMENT_DIMENSIONS = load.SEGMENT_DIMENSIONS  # what a persona may name
TARGET_MEASURES = load.TARGET_MEASURES  # the measures a target may be set on
RESPONDENT_TYPES = load.RESPONDENT_TYPES  # who answered a survey: staff or patron
PROJECT_STATUSES = load.PROJECT_STATUSES  # what a service project's status may be


class Refused(PermissionError):
    """A request the principal may not make; the message is one line: what, and who may."""


def cli_principal(environ: Mapping[str, str] | None = None) -> access.Principal:
    """Who a command-line call acts as.

    Local mode: the local admin (named after the operating-system user, for the audit log).
    Server mode: the user named in ``$SERVICEMIRROR_USER`` from the user file, with that user's
    role; without it, the operator of the server, who holds the database file and the user file,
    acts as admin. An unknown ``$SERVICEMIRROR_USER`` is refused rather than guessed.
    """
    environ = os.environ if environ is None else environ
    who = environ.get("USER") or "cli"
    try:
        mode = access.mode(environ)
    except ValueError as exc:  # a typo must not fall back to local mode, where all are admin
        raise Refused(str(exc)) from None
    if mode == "local":
        return access.Principal(who, "admin", None, local=True)
    name = environ.get(USER_ENV)
    if not name:
        return access.Principal(f"{who} (server operator)", "admin")
    user = users.read(users.users_path(environ)).get(users.normalise(name))
    if user is None:
        raise Refused(f"{USER_ENV}={name!r} is not in the user file; add it with `users add`.")
    return access.Principal(user.username, user.role, user.library_key)


class Service:
    """The access layer for one database and one principal (see the module docstring)."""

    def __init__(
        self, db_path: Path, principal: access.Principal | None, *, seed: int = PROCESS_SEED
    ):
        self.db_path = Path(db_path)
        self.principal = principal
        self.seed = seed

    # ----------------------------------------------------------------------- rules

    @property
    def _who(self) -> str:
        p = self.principal
        if p is None:
            return "nobody signed in"
        return f"{p.name} ({'manager of ' + str(p.library_key) if p.is_manager else p.role})"

    def _require_admin(self, what: str) -> None:
        """Refuse (one line) unless the principal is an admin."""
        if not access.may_administer(self.principal):
            raise Refused(f"{what}: only an admin may do this; {self._who} may not.")

    def may_write_for(self, library_key: str | None) -> bool:
        """Whether this principal may write for ``library_key`` (None: for any library at all).

        Admins: any library. A manager: the own library only. Forum viewers: never.
        """
        return access.may_upload(self.principal, library_key)

    def _require_library(self, what: str, library_key: str) -> None:
        if not self.may_write_for(library_key):
            may = (
                "may write only for the own library"
                if self.principal is not None and self.principal.is_manager
                else "may not write (admins and managers of the library may)"
            )
            raise Refused(f"{what} for library {self._public_key(library_key)}: {self._who} {may}.")

    def _public_key(self, library_key: str) -> str:
        """The library as this principal may see it in a message: its key, or its pseudonym."""
        names = self.labels("en")
        row = names[names["library_key"] == library_key]
        if row.empty or bool(row["named"].iloc[0]):
            return library_key
        return str(row["label"].iloc[0])

    def may_see_detail(self, library_key: str, show_names: bool = True) -> bool:
        """Patron comments and other own-library detail (``access.may_see_detail``)."""
        return access.may_see_detail(self.principal, library_key, show_names)

    def may_download_package(self, library_key: str | None = None) -> bool:
        """Forum packages: an admin any library's, a manager the own one's, a forum viewer none.

        ``library_key`` None asks whether this principal may download any package at all.
        """
        return self.may_write_for(library_key)

    # ----------------------------------------------------------------------- reads

    def published(self) -> publish.Published | None:
        """The published cells (role-independent, from the one cache); None without a database."""
        if not db.exists(self.db_path):
            return None
        return publish.published(self.db_path)

    def labels(self, lang: str, show_names: bool = False) -> pd.DataFrame:
        """How each library is shown to this viewer: library_key, label, token, named.

        ``label``: the real name if the library consented, is the viewing manager's own, or an
        admin switched ``show_names`` on; else "Bibliotek C" / "Library C", with the letter from
        this process's seed, so the same letter on every page, in the report and in file names.
        ``token``: what a URL or file name holds (the key of a consenting library, else the
        letter). Sorted by label (named first), never by a score.
        """
        scope = access.name_scope(self.principal, show_names)
        # once per data version and name scope: every session of a forum meeting sees the same
        # labels, and a manager's own name is shared only with the same library's managers
        built = cache.cached(
            self.db_path, "labels", lambda: self._labels(lang, show_names), scope, lang, self.seed
        )
        return built.copy()

    def _labels(self, lang: str, show_names: bool) -> pd.DataFrame:
        pub = self.published()
        if pub is None:
            return pd.DataFrame(columns=["library_key", "label", "token", "named"])
        grid = pub.grid.drop_duplicates("library_key")
        letters = publish.pseudonym_letters(grid, self.seed)
        rows = []
        for r in grid.itertuples():
            named = access.may_see_name(
                self.principal, r.library_key, bool(r.consent_named), show_names
            )
            letter = letters.get(r.library_key)
            rows.append(
                {
                    "library_key": r.library_key,
                    "label": str(r.display_name)
                    if named
                    else labels.t("pseudonym", lang, letter=letter),
                    "token": r.library_key if bool(r.consent_named) else letter,
                    "named": named,
                }
            )
        out = pd.DataFrame(rows, columns=["library_key", "label", "token", "named"])
        # pseudonyms sort by letter length first so "Bibliotek Z" comes before "Bibliotek AA"
        out["_order"] = [
            (not n, 0 if n else len(lbl), lbl)
            for n, lbl in zip(out["named"], out["label"], strict=True)
        ]
        return out.sort_values("_order").drop(columns="_order").reset_index(drop=True)

    def names(self, lang: str, show_names: bool = False) -> dict[str, str]:
        """library_key -> the label this viewer sees (:meth:`labels`)."""
        labels = self.labels(lang, show_names)
        return dict(zip(labels["library_key"], labels["label"], strict=True))

    def comments(
        self, library_key: str, period: str, show_names: bool = True
    ) -> tuple[pd.DataFrame | None, int, int]:
        """Scrubbed patron comments of one library and period, if this viewer may read them.

        Returns (comments or None, the patron group size, the comments threshold). Only the
        library's own manager, or an admin with names on, gets comments, and only for a group of
        at least the threshold; anyone else gets (None, 0, threshold) with no query run.
        """
        pub = self.published()
        k_comments = publish.k_comments_from_settings(pub.settings) if pub is not None else 10
        if pub is None or not self.may_see_detail(library_key, show_names):
            return None, 0, k_comments
        with db.reading(self.db_path) as con:
            frame = queries.run(con, "patron_comments", library_key=library_key, period=period)
        n_group = int(frame["n_group"].iloc[0]) if not frame.empty else 0
        if frame.empty or n_group < k_comments:
            return None, n_group, k_comments
        return frame[["text", "touchpoint"]].reset_index(drop=True), n_group, k_comments

    def comment_examples(
        self,
        library_key: str,
        period: str,
        show_names: bool = True,
        side: str = "patron",
        touchpoint: str = "",
    ) -> tuple[pd.DataFrame | None, int, int]:
        """Scrubbed comments of one group with tone and themes, if this viewer may read them.

        Returns (frame or None, group size, comments threshold). Only the library's own manager,
        or an admin with names on, gets text, and only for a group of at least the threshold
        (``comments.examples``: columns text, touchpoint, tone, themes); anyone else gets
        (None, 0, threshold) with no query run.
        """
        from servicemirror.app import comments as comment_store

        pub = self.published()
        k_comments = publish.k_comments_from_settings(pub.settings) if pub is not None else 10
        if pub is None or not self.may_see_detail(library_key, show_names):
            return None, 0, k_comments
        with db.reading(self.db_path) as con:
            return comment_store.examples(
                con, library_key, period, side=side, touchpoint=touchpoint
            )

    def staff_comment_counts(self, library_key: str, show_names: bool = True) -> pd.DataFrame:
        """The library's staff comment theme and tone counts (``comments.COUNT_COLUMNS``), every
        period: only for its own manager (an admin with names on), only groups of at least
        k_comments; empty for anyone else, with no query run."""
        from servicemirror.app import comments as comment_store

        if not db.exists(self.db_path) or not self.may_see_detail(library_key, show_names):
            return pd.DataFrame(columns=comment_store.COUNT_COLUMNS)

        def build() -> pd.DataFrame:
            with db.reading(self.db_path) as con:
                return comment_store.theme_counts(con, library_key=library_key, side="staff")

        # role-independent once the check above passed: cached per library and data version
        frame = cache.cached(self.db_path, "staff_comment_counts", build, library_key)
        return frame.reset_index(drop=True)

    def upload_history(self, lang: str = "en", show_names: bool = True) -> pd.DataFrame:
        """The uploads this principal may see, newest first (``uploads_list.sql`` columns).

        An admin: every upload; with names switched off (a meeting) the file names, which often
        name a library, are replaced by a note, as the other pages hide the names. A manager:
        only uploads whose rows all belong to the own library (another library's file names,
        counts and times stay hidden). A forum viewer: none.
        """
        history = uploading.history(self.db_path)
        p = self.principal
        if access.may_administer(p):
            if show_names:
                return history
            return history.assign(file_name=labels.t("upload_file_hidden", lang))
        if not self.may_write_for(None) or history.empty:
            return history.iloc[0:0]
        with db.reading(self.db_path) as con:
            owned = queries.run(con, "upload_libraries")
        libraries = owned.groupby("upload_id")["library_key"].agg(set)
        mine = {int(u) for u, keys in libraries.items() if keys == {p.library_key}}
        return history[history["upload_id"].astype(int).isin(mine)].reset_index(drop=True)

    def _require_package(self, library_key: str) -> None:
        if not self.may_download_package(library_key):
            raise Refused(
                f"forum package of library {self._public_key(library_key)}: an admin may "
                f"download any library's package, a manager only the own; {self._who} may not."
            )

    def forum_package_preview(self, library_key: str, periods: list[str]) -> forum.Package:
        """What one library's forum package holds (``forum.collect``), if this viewer may have it.

        The content is the same for everyone allowed to download it, so it is built once per
        data version (``servicemirror.core.cache``): a page rerun does not rebuild it. Nothing is
        signed and no signing key is made here; :meth:`signed_forum_package` does that.
        """
        from servicemirror.app import forum

        self._require_package(library_key)
        chosen = tuple(sorted({str(p) for p in periods}))
        return cache.cached(
            self.db_path,
            "forum_package",
            lambda: forum.collect(self.db_path, library=library_key, periods=list(chosen)),
            library_key,
            chosen,
        )

    def forum_package_name(self, package: forum.Package, lang: str, show_names: bool) -> str:
        """The package's file name with the library as this viewer sees it (key of a named
        library, else its pseudonym letter), so a file in a shared folder names no hidden one."""
        library_key = package.manifest["library"]["library_key"]
        labels = self.labels(lang, show_names)
        row = labels[labels["library_key"] == library_key]
        token = (
            library_key if row.empty or bool(row["named"].iloc[0]) else str(row["token"].iloc[0])
        )
        return f"forumpakke-{token}-{'-'.join(package.manifest['periods'])}.zip"

    def signed_forum_package(self, package: forum.Package) -> bytes:
        """The package file's bytes, signed with this installation's key (made now if it has
        none yet): called when the user downloads, never to show a preview."""
        self._require_package(package.manifest["library"]["library_key"])
        # the preview is shared through the cache: sign a copy, so checksums and signature
        # never end up in the shared manifest
        from servicemirror.app import forum

        own = forum.Package(copy.deepcopy(package.manifest), package.tables)
        return forum.signed_bytes(self.db_path, own)

    def forum_package(
        self, library_key: str, periods: list[str], lang: str = "da", show_names: bool = False
    ) -> tuple[forum.Package, bytes, str]:
        """The forum package of one library: (content, signed zip bytes, file name), if allowed
        (:meth:`forum_package_preview`, :meth:`signed_forum_package`, :meth:`forum_package_name`).
        """
        package = self.forum_package_preview(library_key, periods)
        name = self.forum_package_name(package, lang, show_names)
        return package, self.signed_forum_package(package), name

    def packages_received(self, lang: str, show_names: bool = False) -> pd.DataFrame:
        """The forum packages received (``forum.received``) with the library as this viewer sees
        it in ``library``; the sender's display name and file name are left out."""
        from servicemirror.app import forum

        received = forum.received(self.db_path)
        names = self.names(lang, show_names)
        out = received.assign(library=received["library_key"].map(names))
        return out.drop(columns=[c for c in ("display_name", "file_name") if c in out.columns])

    def report_html(self, lang: str, result: dict | None, show_names: bool = False) -> str:
        """The forum-meeting report, with each library under the label this viewer sees on the
        pages (the same pseudonym letters)."""
        from servicemirror.app import report

        pub = self.published()
        if pub is None:
            db.require(self.db_path)
        return report.build(pub, result, lang, names=self.names(lang, show_names))

    def audit_log(self) -> pd.DataFrame:
        """Every recorded write, newest first (audit_list.sql columns); admins only."""
        self._require_admin("the audit log")
        with db.reading(self.db_path) as con:
            if not queries.scalar(con, "table_exists", name="audit"):
                # a database at schema version 6 from before the audit log: nothing recorded yet
                columns = ["audit_id", "done_at", "who", "role", "action", "library_key", "detail"]
                return pd.DataFrame(columns=columns)
            return queries.run(con, "audit_list")

    # ----------------------------------------------------------------------- writes

    def register_library_key(self, key_file: Path, replace: bool = False) -> str:
        """Register (or, with ``replace``, replace) a library's forum signing key from its key
        file; admin only, audited. Returns the key id."""
        from servicemirror.app import signing

        self._require_admin("forum-key register/replace")
        key_id = signing.register_key_file(self.db_path, Path(key_file), replace=replace, by="cli")
        library, _ = signing.read_key_file(Path(key_file))
        self._record("replace_key" if replace else "register_key", library, key_id)
        return key_id

    def load_theme_dictionary(self, path: Path) -> int:
        """Replace the comment-theme dictionary with a library's own file and re-tag every stored
        comment; admin only, audited. Returns the number of comments re-tagged."""
        from servicemirror.app import comments

        self._require_admin("comments --load-themes")
        n = comments.load_dictionary(self.db_path, Path(path))
        self._record("load_theme_dictionary", None, Path(path).name)
        return n

    def reset_theme_dictionary(self) -> int:
        """Back to the shipped theme dictionary, re-tagging every comment; admin only, audited."""
        from servicemirror.app import comments

        self._require_admin("comments --reset-themes")
        n = comments.reset_dictionary(self.db_path)
        self._record("reset_theme_dictionary", None, None)
        return n

    def comment_theme_rows(self, library: str = "", period: str = "") -> list[dict]:
        """The released patron comment theme counts (``comments.json_rows``), each library under
        the label this viewer sees (its name or its pseudonym)."""
        from servicemirror.app import comments

        key = self._library(library) if library else ""
        rows = comments.json_rows(self.db_path, library_key=key, period=period)
        names = self.names("en", show_names=True)
        return [dict(r, library=names.get(r["library"], r["library"])) for r in rows]

    def rotate_own_key(self) -> str:
        """A new signing key for this installation's packages; admin only, audited."""
        from servicemirror.app import signing

        self._require_admin("forum-key rotate")
        key_id = signing.rotate(self.db_path)
        self._record("rotate_key", None, key_id)
        return key_id

    def _record(self, action: str, library_key: str | None, detail: str | None) -> None:
        """Add one row to the audit log (its own short transaction, after the write landed).

        The data version is not bumped: no cached result depends on the log.
        """
        with db.writing(self.db_path, bump=False) as con:
            self._audit(con, action, library_key, detail)

    def _audit(self, con, action: str, library_key: str | None, detail: str | None) -> None:
        """Insert one audit row on ``con``, inside whatever transaction it is in."""
        p = self.principal
        # migrate() runs only the migrations above the recorded schema version; a database
        # made at version 6 before the audit log existed gets its table here (idempotent)
        queries.script(con, "migrate_3")
        queries.execute(
            con,
            "audit_insert",
            who=p.name if p else "nobody",
            role=p.role if p else "none",
            action=action,
            library_key=library_key,
            detail=None if detail is None else " ".join(str(detail).split())[:500],
        )

    def _allowed_libraries(self) -> set[str] | None:
        if not self.may_write_for(None):
            raise Refused(f"uploads: admins and managers may upload; {self._who} may not.")
        return None if access.may_administer(self.principal) else {self.principal.library_key}

    def upload(
        self,
        name: str,
        content: bytes,
        options: uploading.Options = uploading.Options(),
        *,
        progress: Callable[[str], None] | None = None,
        profile: tuple[str, list[str]] | None = None,
    ) -> uploading.Outcome:
        """Load one uploaded file (``uploading.commit``) for the libraries this principal may
        write for; a file with another library's rows is refused whole."""
        suffix = f" (profile {profile[0]})" if profile and options.mapping else ""
        return uploading.commit(
            self.db_path,
            name,
            content,
            options,
            loaded_by=self.principal.name,
            allowed_libraries=self._allowed_libraries(),
            progress=progress,
            profile=profile,
            on_written=self._audit_upload(uploading.safe_name(name), suffix),
        )

    def _audit_upload(self, name: str, suffix: str = ""):
        """The ``on_written`` hook of a load: the upload's audit row (with its library when it
        wrote for one), and the unit -> library mapping it saved (unit_map) as a row of its own,
        since undo removes the upload's data but never that mapping; both in the upload's own
        transaction, so the log lists exactly the uploads that landed."""

        def record(con, report: load.LoadReport, library_keys: list[str]) -> None:
            only = library_keys[0] if len(library_keys) == 1 else None
            self._audit(con, "upload", only, f"upload {report.upload_id}: {name}{suffix}")
            if report.units_mapped:
                self._audit(
                    con,
                    "unit_map",
                    None,
                    f"{report.units_mapped} codes/locations mapped to libraries with upload "
                    f"{report.upload_id}: {name}",
                )

        return record

    def load_file(self, path: Path, **kwargs) -> load.LoadReport:
        """Load one file from disk (the command line's ``load``), like :meth:`upload`."""
        return load.load_file(
            self.db_path,
            Path(path),
            loaded_by=self.principal.name,
            allowed_libraries=self._allowed_libraries(),
            on_written=self._audit_upload(Path(path).name),
            **kwargs,
        )

    def save_mapping_profile(self, name: str, mapping: dict, headers: list[str]) -> str:
        """Save a column mapping as a profile (admins and managers)."""
        if not self.may_write_for(None):
            raise Refused(f"mapping profiles: admins and managers only; {self._who} may not.")
        saved = load.save_mapping_profile(self.db_path, name, mapping, headers)
        self._record("mapping_profile", None, f"profile {name!r}")
        return saved

    def interpret(self, path: Path, **kwargs) -> dict:
        """How the load path reads ``path`` (format, headers), without writing anything."""
        seen: dict = {}
        load.prepare(self.db_path, Path(path), interpretation=seen, **kwargs)
        return seen

    def undo(self, upload_id: int) -> uploading.Outcome:
        """Undo one upload (admins only)."""
        self._require_admin(f"undo upload {upload_id}")
        outcome = uploading.undo(self.db_path, upload_id)
        if outcome.status == "undone":
            self._record("undo", None, f"upload {upload_id}: {outcome.name}")
        return outcome

    def _library(self, name: str) -> str:
        """The library key of a key, name or alias (``load.resolve_library``)."""
        return load.resolve_library(self.db_path, str(name))

    def add_project(self, **project) -> int:
        """Record a service project (``load.add_project`` keywords) for a library this principal
        may write for; returns its id."""
        key = self._library(project["library"])
        self._require_library("projects", key)
        project_id = load.add_project(self.db_path, **{**project, "library": key})
        self._record("project", key, f"project {project_id}: {project.get('title')}")
        return project_id

    def set_target(self, **target) -> dict:
        """Set one service-declaration target (``load.set_target`` keywords), own library only
        for a manager."""
        key = self._library(target["library"])
        self._require_library("targets", key)
        row = load.set_target(self.db_path, **{**target, "library": key})
        self._record(
            "target",
            key,
            f"{row['touchpoint'] or 'overall'} {row['measure']} {row['target_value']:g}",
        )
        return row

    def set_targets(self, rows: pd.DataFrame) -> list[dict]:
        """Set many targets at once (``load.set_targets``); every row's library is checked first,
        so a declaration with one forbidden row writes nothing."""
        for number, name in enumerate(rows.get("library", pd.Series(dtype=object)), start=1):
            try:
                key = self._library(name)
            except load.LoadRefused as exc:
                raise load.LoadRefused(f"row {number}: {exc}") from None
            self._require_library(f"row {number}: targets", key)
        done = load.set_targets(self.db_path, rows)
        keys = sorted({r["library_key"] for r in done})
        self._record("targets", keys[0] if len(keys) == 1 else None, f"{len(done)} targets")
        return done

    def define_persona(self, **persona) -> str:
        """Define a persona (``load.define_persona`` keywords). Personas are shared by the whole
        forum, so only an admin defines them."""
        self._require_admin("personas")
        persona_id = load.define_persona(self.db_path, **persona)
        self._record("persona", None, f"persona {persona_id}")
        return persona_id

    def set_setting(self, key: str, value: str) -> str:
        """Change one setting (admins only), parsed by its type (``config.parse_setting``)."""
        self._require_admin(f"setting {key}")
        stored = load.set_setting(self.db_path, key, value)
        self._record("setting", None, f"{key} = {stored}" if key != "hash_salt" else key)
        return stored

    def add_user(self, path: Path, username: str, role: str, **kwargs) -> users.User:
        """Add or change a server-mode user in the user file (admins only)."""
        self._require_admin("users")
        user = users.add(path, username, role, **kwargs)
        if db.exists(self.db_path):
            self._record("user_add", user.library_key, f"{user.username}: {user.role}")
        return user

    def remove_user(self, path: Path, username: str) -> bool:
        """Remove a server-mode user from the user file (admins only)."""
        self._require_admin("users")
        removed = users.remove(path, username)
        if removed and db.exists(self.db_path):
            self._record("user_remove", None, users.normalise(username))
        return removed

    def list_users(self, path: Path) -> list[users.User]:
        """The server-mode users (admins only; never their password hashes on screen)."""
        self._require_admin("users")
        return list(users.read(path).values())

    def purge(self, before, dry_run: bool = False):
        """Delete every upload loaded before ``before`` (admins only; ``purge.purge``)."""
        from servicemirror.app import purge

        self._require_admin("purge")
        result = purge.purge(self.db_path, before, dry_run=dry_run)
        if not result.dry_run:
            self._record("purge", None, f"uploads loaded before {result.before}")
        return result

    def export(self, out: Path):
        """Back up every table to a folder (admins only: it holds all survey data and the salt)."""
        from servicemirror.app import backup

        self._require_admin("export")
        done = backup.export(self.db_path, Path(out))
        self._record("export", None, str(done.folder))
        return done

    def restore(self, folder: Path):
        """Restore an export folder into a new, empty database (admins only).

        Not recorded as a row: the restored database holds exactly the backup's rows, its audit
        log included (the export that made the backup is in that log).
        """
        from servicemirror.app import backup

        self._require_admin("restore")
        return backup.restore(Path(folder), self.db_path)

    def write_forum_package(
        self, out: Path, library: str | None = None, periods: list[str] | None = None
    ) -> forum.Package:
        """Write a forum package file (the command line's ``forum-package``), if allowed."""
        from servicemirror.app import forum

        # collect() resolves the library (key, name, or the only one) and reads; nothing is
        # written before the check below
        key = forum.collect(self.db_path, library=library, periods=periods).manifest["library"][
            "library_key"
        ]
        if not self.may_download_package(key):
            raise Refused(
                f"forum package of library {self._public_key(key)}: an admin may write any "
                f"library's package, a manager only the own; {self._who} may not."
            )
        return forum.build_package(self.db_path, Path(out), library=key, periods=periods)
