"""The local user file for server mode: user names, roles and argon2 password hashes.

One JSON file (``$SERVICEMIRROR_USERS``, else ``data/users.json`` under the project root), kept
apart from the survey database so that an export or a forum package never carries a password
hash, and written atomically with owner-only permissions. Passwords are hashed with argon2id
through ``argon2-cffi`` (a well-kept library, never home-made crypto).

The file also says who may do what when people sign in through the municipality's single
sign-on (``st.login``): such users are entered by their e-mail address without a password, and a
signed-in identity that is not in the file gets no role at all.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from servicemirror.core.config import PROJECT_ROOT

USERS_ENV = "SERVICEMIRROR_USERS"
ROLES = ("admin", "manager", "forum")
MIN_PASSWORD = 10
FILE_VERSION = 1

_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, so a wrong name costs as long as a wrong
    password and the answer time does not tell which user names exist. Made on first sign-in,
    not at import: hashing costs most of a second, which every command (``load``) paid."""
    return _HASHER.hash("not a password of anyone")


class UserError(Exception):
    """A user-file problem told in one line (unknown role, missing library, short password...)."""


@dataclass(frozen=True)
class User:
    """One entry of the user file. ``password_hash`` None = signs in only through single sign-on."""

    username: str
    role: str
    library_key: str | None = None
    password_hash: str | None = None


def users_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$SERVICEMIRROR_USERS`` if set, else ``data/users.json`` under the project root."""
    environ = os.environ if environ is None else environ
    value = environ.get(USERS_ENV)
    return Path(value).expanduser() if value else PROJECT_ROOT / "data" / "users.json"


def normalise(username: str) -> str:
    """User names compare case-insensitively and without surrounding blanks (e-mail addresses)."""
    return username.strip().lower()


def read(path: Path) -> dict[str, User]:
    """Every user in the file by normalised name; an absent file holds no users.

    Read on every access check (a removed user loses access on the next click), so the parsed
    file is kept while its size and modification time stay the same; ``write`` replaces the
    file, which changes both the inode's time and, nearly always, the size.
    """
    path = Path(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        return {}
    stamp = (str(path.resolve()), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    with _READ_LOCK:
        if _LAST_READ.get("stamp") == stamp:
            return dict(_LAST_READ["users"])
    users = _parse(path)
    with _READ_LOCK:
        _LAST_READ.update(stamp=stamp, users=users)
    return dict(users)


_READ_LOCK = threading.Lock()
_LAST_READ: dict = {}


def _parse(path: Path) -> dict[str, User]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: not a Service Mirror user file ({exc}).") from None
    users = {}
    for entry in content.get("users", []):
        user = User(
            username=normalise(entry["username"]),
            role=entry["role"],
            library_key=entry.get("library_key"),
            password_hash=entry.get("password_hash"),
        )
        users[user.username] = user
    return users


def write(path: Path, users: Mapping[str, User]) -> None:
    """Replace the file atomically (temporary file + rename), readable by the owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "version": FILE_VERSION,
        "users": [asdict(u) for u in sorted(users.values(), key=lambda u: u.username)],
    }
    fd, tmp = tempfile.mkstemp(prefix=".users-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=2, ensure_ascii=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def add(
    path: Path,
    username: str,
    role: str,
    *,
    library_key: str | None = None,
    password: str | None = None,
    replace: bool = False,
) -> User:
    """Add (or with ``replace`` change) one user; ``password`` None = single sign-on only.

    A manager needs a library; admins and forum viewers have none. Raises UserError.
    """
    name = normalise(username)
    if not name:
        raise UserError("the user name is empty.")
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; roles: {', '.join(ROLES)}.")
    if role == "manager" and not library_key:
        raise UserError("a manager needs --library (the library they manage).")
    if role != "manager" and library_key:
        raise UserError(f"only a manager belongs to a library; a {role} has no --library.")
    if password is not None and len(password) < MIN_PASSWORD:
        raise UserError(f"the password must have at least {MIN_PASSWORD} characters.")
    users = read(path)
    if name in users and not replace:
        raise UserError(f"user {name!r} exists; remove it first or use --replace.")
    hashed = _HASHER.hash(password) if password is not None else None
    user = User(name, role, library_key, hashed)
    users[name] = user
    write(path, users)
    return user


def remove(path: Path, username: str) -> bool:
    """Remove one user; False when there was no such user."""
    users = read(path)
    if users.pop(normalise(username), None) is None:
        return False
    write(path, users)
    return True


def verify(path: Path, username: str, password: str) -> User | None:
    """The user if ``password`` is right for ``username``; None otherwise (never says which part
    was wrong). Users without a password (single sign-on only) never pass here."""
    user = read(path).get(normalise(username))
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
    try:
        _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    return user if user is not None and user.password_hash else None
