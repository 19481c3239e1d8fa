"""Who is looking, and what they may see and do: everything asks :func:`current_principal`.

Two ways to run (docs/privacy.md):
- **local** (default): one person on their own machine, no log-in, no network. They act as admin
  and the dashboard says so in the sidebar.
- **server** (``SERVICEMIRROR_MODE=server``): people sign in through Streamlit's built-in OpenID
  Connect (``st.login``, configured by the host in ``.streamlit/secrets.toml``; the only outbound
  call) or with a name and password from the local user file (:mod:`servicemirror.privacy.users`). The
  user file gives the role either way; a signed-in identity that is not in it has no role.

Roles: **admin** (uploads for any library, undo, users, settings, may switch real names on),
**manager** of one library (the own library by name and in detail, e.g. patron comments; other
libraries under pseudonyms unless they consented; uploads only for the own library), **forum**
viewer (the anonymised view for meetings: consenting libraries by name, the rest under
pseudonyms, no comments, no uploads).

Naming happens after the cache, per viewer: cached results hold library keys only, and
:func:`may_see_name` decides per request. This module never imports Streamlit (only dashboard/
may): the dashboard registers how to read its browser session (``dashboard/signin.py`` calls
:func:`read_sessions_with`), and the command line and the load path use the same rules.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from servicemirror.privacy import users

MODE_ENV = "SERVICEMIRROR_MODE"
MODES = ("local", "server")
SESSION_KEY = "servicemirror_user"  # session state: the name signed in through the user file
MAX_FAILURES = 5  # wrong passwords per user name before a pause
LOCKOUT_SECONDS = 300


@dataclass(frozen=True)
class Principal:
    """The person behind a request: display name, role, their library (managers only)."""

    name: str
    role: str
    library_key: str | None = None
    local: bool = False  # local single-user mode (no log-in)

    @property
    def is_admin(self) -> bool:
        """Admins upload for any library, undo, manage users and settings."""
        return self.role == "admin"

    @property
    def is_manager(self) -> bool:
        """A manager of ``library_key``."""
        return self.role == "manager"


LOCAL_ADMIN = Principal("local", "admin", None, local=True)


@dataclass(frozen=True)
class SessionIdentity:
    """What a browser session says about its user, before any role is looked up.

    ``sso_identity``: the e-mail (or preferred user name) when signed in through single
    sign-on, else None. ``form_user``: the user-file name signed in with a password, else None.
    """

    sso_identity: str | None = None
    form_user: str | None = None


_session_reader: Callable[[], SessionIdentity] | None = None
# one thread of this process at a time in the failure file (flock is per open file, not thread)
_failures_lock = threading.Lock()
_in_memory: dict[str, list[float]] = {}  # the failure log when its file cannot be written


def mode(environ: Mapping[str, str] | None = None) -> str:
    """``local`` (default) or ``server``, from ``$SERVICEMIRROR_MODE``.

    Any other value is refused rather than guessed: a typo must not open a server in local mode,
    where everyone would be admin.
    """
    environ = os.environ if environ is None else environ
    value = (environ.get(MODE_ENV) or "local").strip().lower()
    if value not in MODES:
        raise ValueError(f"{MODE_ENV}={value!r}: use 'local' or 'server'.")
    return value


def read_sessions_with(reader: Callable[[], SessionIdentity] | None) -> None:
    """Register how to read the current browser session (the dashboard does, at import)."""
    global _session_reader
    _session_reader = reader


def _principal_of(user: users.User) -> Principal:
    return Principal(user.username, user.role, user.library_key)


def current_principal(environ: Mapping[str, str] | None = None) -> Principal | None:
    """Who is asking: the local admin, the signed-in user with their role, or None.

    In server mode the role always comes from the user file, read on every call so that
    ``servicemirror users remove`` takes effect on the next click.
    """
    if mode(environ) == "local":
        return LOCAL_ADMIN
    if _session_reader is None:
        return None  # server mode outside a browser session: nobody is signed in
    session = _session_reader()
    known = users.read(users.users_path(environ))
    if session.sso_identity is not None:
        user = known.get(users.normalise(session.sso_identity))
        return _principal_of(user) if user is not None else None
    user = known.get(users.normalise(session.form_user)) if session.form_user else None
    # a password session ends when the user's password was taken away (sign-on only now)
    return _principal_of(user) if user is not None and user.password_hash else None


# --------------------------------------------------------------------------- rules


def may_upload(principal: Principal | None, library_key: str | None = None) -> bool:
    """Whether ``principal`` may upload data for ``library_key``.

    ``library_key`` None asks whether they may upload at all (show the upload page): admins and
    managers. For a named library: admins any, a manager only the own library.
    """
    if principal is None or principal.role not in ("admin", "manager"):
        return False
    if principal.is_admin or library_key is None:
        return True
    return principal.library_key == library_key


def may_administer(principal: Principal | None) -> bool:
    """Undo uploads, manage users, change settings: admins only."""
    return principal is not None and principal.is_admin


def may_see_name(
    principal: Principal | None, library_key: str, consent_named: bool, show_names: bool = False
) -> bool:
    """Whether this viewer sees ``library_key`` by its real name.

    Consenting libraries: everyone. A manager: also the own library. An admin: all libraries
    when they switched names on (``show_names``); nobody else can switch them on.
    """
    if consent_named:
        return True
    if principal is None:
        return False
    if principal.is_admin:
        return bool(show_names)
    return principal.is_manager and principal.library_key == library_key


def name_scope(principal: Principal | None, show_names: bool = False) -> tuple:
    """Everything :func:`may_see_name` reads of the viewer, as a key: two viewers with the same
    scope see every library under the same name, so what is built from the names (the labels) may
    be shared between them and with nobody else."""
    if principal is None:
        return ("nobody",)
    if principal.is_admin:
        return ("admin", bool(show_names))
    if principal.is_manager:
        return ("manager", principal.library_key)
    return ("reader",)


def may_see_detail(principal: Principal | None, library_key: str, show_names: bool = True) -> bool:
    """Patron comments and other library-only detail: the library's own manager, or an admin.

    For an admin the page passes its names switch as ``show_names``: an admin showing the
    dashboard to a meeting (names off) shows no comments either. Forum viewers: never.
    """
    if principal is None:
        return False
    if principal.is_admin:
        return bool(show_names)
    return principal.is_manager and principal.library_key == library_key


# --------------------------------------------------------------------------- signing in


def failures_path(environ: Mapping[str, str] | None = None) -> Path:
    """The wrong-password log: beside the user file, ``users.json.failures``."""
    path = users.users_path(environ)
    return path.with_name(path.name + ".failures")


@contextmanager
def _failures(environ: Mapping[str, str] | None):
    """The recent wrong-password times by user name, to read and change under a lock.

    Kept in a file, not in memory, because ``serve --workers`` runs several dashboard processes:
    a pause must hold on all of them, or dropping the worker cookie would give a guesser
    MAX_FAILURES tries per process. Times are wall-clock seconds (every process's monotonic
    clock is its own).
    """
    path = failures_path(environ)
    with _failures_lock:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            # the user file's folder is read-only here: count in this process, as one must
            # still be able to sign in (docs/deploy.md says to keep the folder writable)
            _forget_old(_in_memory)
            yield _in_memory
            return
        with os.fdopen(fd, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            text = handle.read()
            try:
                log = json.loads(text) if text.strip() else {}
            except json.JSONDecodeError:
                # torn by a crash mid-write: start afresh (it holds pauses of minutes, no more)
                log = {}
            _forget_old(log)
            yield log
            handle.seek(0)
            handle.truncate()
            json.dump(log, handle)


def _forget_old(log: dict[str, list[float]]) -> None:
    """Drop the failures older than LOCKOUT_SECONDS (and names left with none) from ``log``."""
    now = time.time()
    for name in list(log):
        log[name] = [t for t in log[name] if now - t < LOCKOUT_SECONDS]
        if not log[name]:
            del log[name]


def _locked(username: str, environ: Mapping[str, str] | None = None) -> bool:
    with _failures(environ) as log:
        return len(log.get(username, [])) >= MAX_FAILURES


def check_password(username: str, password: str, environ: Mapping[str, str] | None = None):
    """The user if the password is right and the name is not paused after repeated failures.

    Failures are counted per user name across sessions and across the dashboard processes of
    ``serve --workers`` (a new browser tab or another worker does not reset them):
    after MAX_FAILURES wrong passwords in LOCKOUT_SECONDS the name is refused for that long.
    Returns (user or None, paused: bool).
    """
    name = users.normalise(username)
    if _locked(name, environ):
        return None, True
    user = users.verify(users.users_path(environ), name, password)
    if user is None:
        with _failures(environ) as log:
            log.setdefault(name, []).append(time.time())
    return user, False
