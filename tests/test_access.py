"""Access: what each role sees and may do, the local user file, and sign-in in server mode.

Dashboard tests run the real app headless (AppTest). Single sign-on is played with AppTest's
user stand-in (``at.user = {"is_logged_in": True, "email": ...}``), never a real identity
provider; password sign-in goes through the real form and the argon2 user file. The small forum
(libraries Alfa ... Zeta, none consented to be named) is the data.
"""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PASSWORD, copy_database, sent_text
from streamlit.testing.v1 import AppTest

from servicemirror import cli
from servicemirror.privacy import access, users

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
NAMES = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]


# --------------------------------------------------------------------------- the user file


def test_user_file_hashes_with_argon2_and_refuses_wrong_passwords(user_file):
    text = user_file.read_text()
    assert PASSWORD not in text
    entry = {u["username"]: u for u in json.loads(text)["users"]}["anna@alfa.dk"]
    assert entry["password_hash"].startswith("$argon2id$")
    assert stat.S_IMODE(user_file.stat().st_mode) == 0o600
    assert users.verify(user_file, "Anna@Alfa.dk ", PASSWORD).library_key == "alfa"
    assert users.verify(user_file, "anna@alfa.dk", PASSWORD + "x") is None
    assert users.verify(user_file, "nobody@x.dk", PASSWORD) is None
    # a single-sign-on user has no password, so no password opens the account
    assert users.verify(user_file, "bo@beta.dk", "") is None
    assert users.remove(user_file, "anna@alfa.dk")
    assert users.verify(user_file, "anna@alfa.dk", PASSWORD) is None


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"role": "owner"}, "unknown role"),
        ({"role": "manager"}, "needs --library"),
        ({"role": "forum", "library_key": "alfa"}, "only a manager"),
        ({"role": "admin", "password": "short"}, "at least"),
    ],
)
def test_user_file_refuses_bad_entries(tmp_path, kwargs, message):
    with pytest.raises(users.UserError, match=message):
        users.add(tmp_path / "u.json", "x@y.dk", **kwargs)


def test_cli_users_add_list_remove(tmp_path, small_db_shared, monkeypatch, capsys):
    # adding a user is an audited write: work on a copy, the shared database stays as built
    small_db_shared = copy_database(small_db_shared, tmp_path / "db")
    path = tmp_path / "u.json"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    args = ["users", "--users", str(path), "add", "Kim@Gamma.dk", "--role", "manager"]
    assert (
        cli.main([*args, "--library", "gamma", "--password-stdin", "--db", str(small_db_shared)])
        == 0
    )
    assert users.verify(path, "kim@gamma.dk", PASSWORD).role == "manager"
    # an unknown library is refused with the known keys
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    bad = ["users", "--users", str(path), "add", "x@y.dk", "--role", "manager", "--library", "nope"]
    assert cli.main([*bad, "--password-stdin", "--db", str(small_db_shared)]) == 1
    assert "known: alfa" in capsys.readouterr().err
    assert (
        cli.main(["users", "--users", str(path), "add", "f@x.dk", "--role", "forum", "--sso"]) == 0
    )
    capsys.readouterr()
    assert cli.main(["users", "--users", str(path), "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {u["username"]: u["sign_in"] for u in listed} == {
        "kim@gamma.dk": "password",
        "f@x.dk": "sso",
    }
    assert "argon2" not in json.dumps(listed)  # hashes are never printed
    assert cli.main(["users", "--users", str(path), "remove", "kim@gamma.dk"]) == 0
    assert cli.main(["users", "--users", str(path), "remove", "kim@gamma.dk"]) == 1


# --------------------------------------------------------------------------- the rules


ADMIN = access.Principal("a", "admin")
ANNA = access.Principal("anna@alfa.dk", "manager", "alfa")
FORUM = access.Principal("f", "forum")


@pytest.mark.parametrize(
    "who, library, allowed",
    [
        (ADMIN, None, True),
        (ADMIN, "beta", True),
        (ANNA, None, True),
        (ANNA, "alfa", True),
        (ANNA, "beta", False),
        (FORUM, None, False),
        (FORUM, "alfa", False),
        (None, None, False),
        (access.LOCAL_ADMIN, "beta", True),
    ],
)
def test_may_upload(who, library, allowed):
    assert access.may_upload(who, library) is allowed


def test_names_and_detail_by_role():
    assert access.may_see_name(ANNA, "alfa", False)
    assert not access.may_see_name(ANNA, "beta", False, show_names=True)  # the switch is admin's
    assert access.may_see_name(ANNA, "beta", True)  # consented
    assert not access.may_see_name(FORUM, "alfa", False, show_names=True)
    assert access.may_see_name(ADMIN, "beta", False, show_names=True)
    assert not access.may_see_name(ADMIN, "beta", False)
    assert access.may_see_detail(ANNA, "alfa") and not access.may_see_detail(ANNA, "beta")
    assert not access.may_see_detail(FORUM, "alfa")
    assert access.may_see_detail(ADMIN, "beta", show_names=True)
    assert not access.may_see_detail(ADMIN, "beta", show_names=False)
    assert not access.may_administer(ANNA) and access.may_administer(ADMIN)


def test_mode_is_local_by_default_and_refuses_typos():
    assert access.mode({}) == "local"
    assert access.mode({access.MODE_ENV: "Server"}) == "server"
    with pytest.raises(ValueError, match="use 'local' or 'server'"):
        access.mode({access.MODE_ENV: "sever"})
    assert access.current_principal({}) == access.LOCAL_ADMIN


def test_current_principal_in_server_mode(user_file, monkeypatch):
    monkeypatch.setattr(access, "_session_reader", None)
    assert access.current_principal() is None  # no browser session: nobody
    session = {"value": access.SessionIdentity(form_user="anna@alfa.dk")}
    monkeypatch.setattr(access, "_session_reader", lambda: session["value"])
    assert access.current_principal() == ANNA
    session["value"] = access.SessionIdentity(sso_identity="Bo@Beta.dk")
    assert access.current_principal().library_key == "beta"
    session["value"] = access.SessionIdentity(sso_identity="stranger@x.dk")
    assert access.current_principal() is None  # signed in elsewhere, no role here
    # a password session of a user who is then made sign-on-only, or removed, ends
    session["value"] = access.SessionIdentity(form_user="bo@beta.dk")
    assert access.current_principal() is None
    users.remove(user_file, "anna@alfa.dk")
    session["value"] = access.SessionIdentity(form_user="anna@alfa.dk")
    assert access.current_principal() is None


def test_repeated_wrong_passwords_pause_the_name(user_file):
    for _ in range(access.MAX_FAILURES):
        user, paused = access.check_password("anna@alfa.dk", "wrong password")
        assert user is None and not paused
    user, paused = access.check_password("anna@alfa.dk", PASSWORD)
    assert user is None and paused  # even the right password waits
    assert access.check_password("forum@forum.dk", PASSWORD)[0] is not None  # others unaffected


def test_a_pause_holds_in_every_dashboard_process(user_file):
    """serve --workers runs several processes: wrong passwords given to one pause the name in
    all of them (another process makes the tries here)."""
    tries = (
        "from servicemirror.privacy import access\n"
        "for _ in range(access.MAX_FAILURES): access.check_password('anna@alfa.dk', 'wrong!')\n"
    )
    subprocess.run([sys.executable, "-c", tries], check=True, env=dict(os.environ))
    user, paused = access.check_password("anna@alfa.dk", PASSWORD)
    assert user is None and paused
    assert oct(access.failures_path().stat().st_mode & 0o777) == "0o600"
    # a log torn by a crash mid-write is started afresh instead of failing the sign-in
    access.failures_path().write_text('{"anna@alfa.dk": [1')
    user, paused = access.check_password("anna@alfa.dk", PASSWORD)
    assert user is not None and user.username == "anna@alfa.dk" and not paused


def test_a_pause_holds_when_the_failure_log_cannot_be_written(user_file, monkeypatch, tmp_path):
    """A read-only folder: the pause is counted in the process instead, and still ends."""
    monkeypatch.setattr(access, "failures_path", lambda environ=None: tmp_path / "no" / "log")
    monkeypatch.setattr(access, "_in_memory", {})
    for _ in range(access.MAX_FAILURES):
        assert access.check_password("anna@alfa.dk", "wrong password") == (None, False)
    assert access.check_password("anna@alfa.dk", PASSWORD) == (None, True)
    old = time.time() - access.LOCKOUT_SECONDS - 1
    access._in_memory["anna@alfa.dk"] = [old] * access.MAX_FAILURES
    assert access.check_password("anna@alfa.dk", PASSWORD)[0] is not None


# --------------------------------------------------------------------------- the dashboard


def run_app(monkeypatch, db_path, page="overview", user=None, **params) -> AppTest:
    """Run the app through its router (sign-in gate included), then open ``page``.

    The first run registers the navigation, so ``switch_page`` then goes through app.py too.
    """
    monkeypatch.setenv("SERVICEMIRROR_DB", str(db_path))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["lang"] = "en"
    for key, value in params.items():
        at.query_params[key] = value
    if user is not None:
        at.user = user
    at.run()
    if page != "overview" and not at.text_input:  # not stopped at the sign-in form
        at.switch_page(f"views/{page}.py")
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    """Fill and submit the password form."""
    at.text_input[0].input(name)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def sso(email: str) -> dict:
    return {"is_logged_in": True, "email": email, "name": email.split("@")[0]}


def test_local_mode_needs_no_login_and_says_so(small_db_shared, monkeypatch):
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    at = run_app(monkeypatch, small_db_shared)
    assert any("Local mode" in c.value for c in at.sidebar.caption)
    assert not at.text_input  # no sign-in form


def test_server_mode_shows_only_the_sign_in(user_file, small_db_shared, monkeypatch):
    at = run_app(monkeypatch, small_db_shared)
    assert [t.label for t in at.text_input] == ["User name", "Password"]
    shown = sent_text(at)
    assert not any(name in shown for name in NAMES)  # no data before signing in
    sign_in(at, "anna@alfa.dk", "not the password")
    assert any("Wrong user name or password" in e.value for e in at.error)
    assert "Alfa" not in sent_text(at)
    sign_in(at, "anna@alfa.dk", PASSWORD)
    assert not at.exception
    assert any("manager of alfa" in c.value for c in at.sidebar.caption)
    assert "Alfa" in sent_text(at)


def test_sso_identity_without_a_role_sees_nothing(user_file, small_db_shared, monkeypatch):
    at = run_app(monkeypatch, small_db_shared, user=sso("stranger@elsewhere.dk"))
    assert any("has no access" in e.value for e in at.error)
    assert not any(name in sent_text(at) for name in NAMES)


def test_manager_sees_own_library_named_others_pseudonymised(
    user_file, small_db_shared, monkeypatch
):
    at = run_app(monkeypatch, small_db_shared, user=sso("anna@alfa.dk"))
    shown = sent_text(at)
    assert "Alfa" in shown
    assert not any(name in shown for name in NAMES if name != "Alfa")
    assert "Library " in shown  # the others under pseudonyms
    assert not at.sidebar.toggle  # only an admin can switch real names on


def test_manager_cannot_unmask_another_library_through_the_url(
    user_file, small_db_shared, monkeypatch
):
    for token in ("beta", "Beta", "zeta"):
        at = run_app(
            monkeypatch, small_db_shared, "library", user=sso("anna@alfa.dk"), library=token
        )
        shown = sent_text(at)
        assert not any(name in shown for name in NAMES if name != "Alfa"), token
    # the other library by its pseudonym letter: the pseudonymised view, no comments
    at = run_app(monkeypatch, small_db_shared, "library", user=sso("anna@alfa.dk"))
    letters = [o for o in at.selectbox[0].options if o.startswith("Library ")]
    assert letters
    at.selectbox[0].set_value(letters[0]).run()
    shown = sent_text(at)
    assert not any(name in shown for name in NAMES if name != "Alfa")
    assert any("own manager" in c.value for c in at.caption)
    assert "a@b.dk" not in shown and "Skriv til mig" not in shown


def test_manager_reads_own_comments_only(user_file, small_db_shared, monkeypatch):
    at = run_app(monkeypatch, small_db_shared, "library", user=sso("anna@alfa.dk"), library="alfa")
    # options are URL tokens shown through format_func: the own library is chosen and named
    assert at.selectbox[0].format_func(at.selectbox[0].value) == "Alfa"
    assert not any("own manager" in c.value for c in at.caption)
    assert "Skriv til mig" in sent_text(at)  # the scrubbed patron comment of the own library


def test_forum_session_after_a_manager_finds_no_forbidden_name(
    user_file, small_db_shared, monkeypatch
):
    """The caches a manager's session filled hold keys, never names: the forum sees none."""
    for page in ("overview", "library", "services", "data_quality"):
        manager = run_app(monkeypatch, small_db_shared, page, user=sso("anna@alfa.dk"))
        assert "Alfa" in sent_text(manager)
        at = run_app(monkeypatch, small_db_shared, user={"is_logged_in": False})
        sign_in(at, "forum@forum.dk", PASSWORD)
        assert any("forum view" in c.value for c in at.sidebar.caption)
        assert not at.sidebar.toggle
        if page != "overview":
            at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        shown = sent_text(at)
        assert "Library " in shown or page == "data_quality"
        assert not any(name in shown for name in NAMES), page


def test_upload_page_only_for_admins_and_managers(user_file, small_db_shared, monkeypatch):
    for who, allowed in (
        ("admin@kommune.dk", True),
        ("anna@alfa.dk", True),
        ("forum@forum.dk", False),
    ):
        at = run_app(monkeypatch, small_db_shared, user=sso(who))
        if allowed:
            at.switch_page("views/upload.py").run()
            assert not at.exception and at.get("file_uploader"), who
        else:
            # a page left out of the navigation cannot be opened at all
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                at.switch_page("views/upload.py")


def test_admin_may_switch_names_on_in_server_mode(user_file, small_db_shared, monkeypatch):
    monkeypatch.setenv("SERVICEMIRROR_DB", str(small_db_shared))
    at = AppTest.from_file(APP, default_timeout=120)
    at.user = sso("admin@kommune.dk")
    at.query_params["lang"] = "en"
    at.run()
    assert not any(name in sent_text(at) for name in NAMES)  # names off by default
    at.sidebar.toggle[0].set_value(True).run()
    assert all(name in sent_text(at) for name in NAMES)


def test_viewers_of_one_name_scope_see_every_library_under_the_same_name():
    """Service.labels is shared between viewers of one ``access.name_scope``; that is safe only
    if the scope holds everything ``may_see_name`` reads. Checked over every role, library,
    consent and names switch."""
    libraries = ("alfa", "beta", None)
    viewers = [None] + [
        access.Principal(name=f"{role}-{lib}", role=role, library_key=lib)
        for role in (*users.ROLES, "unknown")
        for lib in libraries
    ]
    cases = [(v, show) for v in viewers for show in (False, True)]
    for a, show_a in cases:
        for b, show_b in cases:
            if access.name_scope(a, show_a) != access.name_scope(b, show_b):
                continue
            for library in ("alfa", "beta", "gamma"):
                for consent in (False, True):
                    assert access.may_see_name(a, library, consent, show_a) == access.may_see_name(
                        b, library, consent, show_b
                    ), (a, show_a, b, show_b, library, consent)
    # and the scopes do separate what differs: two libraries' managers, an admin's switch
    manager = access.Principal(name="m", role="manager", library_key="alfa")
    other = access.Principal(name="n", role="manager", library_key="beta")
    admin = access.Principal(name="a", role="admin")
    assert access.name_scope(manager) != access.name_scope(other)
    assert access.name_scope(admin, True) != access.name_scope(admin, False)
