"""Roles at every door, in server mode through the real app (AppTest): each role x each page, each
write and each download.

Roles: admin (names switched off, as in a meeting), the manager of Alfa, a forum viewer; all sign
in through AppTest's single-sign-on stand-in. One AppTest session per role visits every page once
(module fixture ``visits``); the parametrised tests below read that table. Writes and downloads
are exercised in their own sessions on the module's database copy. Data: ``layer_db`` (the small
forum, no library consented to be named, plus an Alfa-only and a Beta-only upload).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import sent_text
from streamlit.testing.v1 import AppTest
from test_browser import app_pages

from servicemirror import service
from servicemirror.privacy import access

# one worker runs the whole module, so the per-role sessions (``visits``) are built once
pytestmark = pytest.mark.xdist_group("roles_doors")

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
NAMES = ["Alfa", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"]
# every page of app.py's menu but comments (its roles are tested in test_comments_page)
PAGES = [name for name, _ in app_pages() if name != "comments"]
ROLES = {
    "admin": "admin@kommune.dk",
    "manager": "anna@alfa.dk",
    "forum": "forum@forum.dk",
}
# pages each role finds in the navigation (a page left out cannot be opened at all)
NAVIGATION = {
    "admin": set(PAGES),
    "manager": set(PAGES) - {"audit"},
    "forum": set(PAGES) - {"upload", "forum_package", "audit"},
}
# names each role may see (admin: names off; manager: the own library; forum: none)
MAY_SEE = {"admin": set(), "manager": {"Alfa"}, "forum": set()}
FILES = {"alfa": "alfa_2025_patron.csv", "beta": "beta_2025_patron.csv"}


@pytest.fixture(scope="module")
def server(layer_db, module_user_file):
    """Server mode with one single-sign-on user per role (module scope: one user file)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SERVICEMIRROR_DB", str(layer_db))
        yield layer_db


def signed_in(role: str) -> AppTest:
    """The app through its router, signed in as ``role`` (English)."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.user = {"is_logged_in": True, "email": ROLES[role], "name": role}
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@dataclass
class Visit:
    """What one page showed one role."""

    in_navigation: bool
    errors: list[str] = field(default_factory=list)
    text: str = ""
    buttons: list[str] = field(default_factory=list)
    text_inputs: list[str] = field(default_factory=list)
    selectboxes: dict[str, list[str]] = field(default_factory=dict)


def visit_all(role: str) -> dict[str, Visit]:
    at = signed_in(role)
    out = {}
    for page in PAGES:
        try:
            at.switch_page(f"views/{page}.py")
        except ValueError:
            out[page] = Visit(False)
            continue
        at.run()
        out[page] = Visit(
            True,
            [e.message for e in at.exception],
            sent_text(at),
            [b.label for b in at.button],
            [t.label for t in at.text_input],
            {s.label: list(s.options) for s in at.selectbox},
        )
    return out


@pytest.fixture(scope="module")
def visits(server) -> dict[str, dict[str, Visit]]:
    return {role: visit_all(role) for role in ROLES}


TABLE = [(role, page) for role in ROLES for page in PAGES]


@pytest.mark.parametrize("role, page", TABLE, ids=[f"{r}-{p}" for r, p in TABLE])
def test_each_role_each_page(visits, role, page):
    """In the navigation or not; runs without error; no library name or file name it may not see."""
    seen = visits[role][page]
    assert seen.in_navigation == (page in NAVIGATION[role])
    if not seen.in_navigation:
        return
    assert not seen.errors, seen.errors
    hidden = [n for n in NAMES if n not in MAY_SEE[role]]
    assert not [n for n in hidden if n in seen.text]
    # file names often name a library: an admin with names off sees none either
    other_files = [f for key, f in FILES.items() if not (role == "manager" and key == "alfa")]
    assert not [f for f in other_files if f in seen.text]


def test_upload_history_per_role(visits):
    """A manager sees the own library's upload, not Beta's nor the shared forum files."""
    manager = visits["manager"]["upload"].text
    assert FILES["alfa"] in manager
    assert FILES["beta"] not in manager and "small_staff.csv" not in manager
    admin = visits["admin"]["upload"].text
    assert "hidden: names are switched off" in admin and "small_staff.csv" not in admin
    # undo: admins only
    assert "Undo" in visits["admin"]["upload"].buttons
    assert "Undo" not in visits["manager"]["upload"].buttons


def test_admin_sees_file_names_with_names_switched_on(server):
    at = signed_in("admin")
    at.sidebar.toggle[0].set_value(True).run()
    at.switch_page("views/upload.py").run()
    shown = sent_text(at)
    assert FILES["alfa"] in shown and FILES["beta"] in shown and "small_staff.csv" in shown


def test_forum_package_choices_per_role(visits):
    """A manager may download only the own package; an admin any; a forum viewer has no page."""
    assert visits["manager"]["forum_package"].selectboxes["Library"] == ["Alfa"]
    admin = visits["admin"]["forum_package"].selectboxes["Library"]
    assert len(admin) == len(NAMES) and all(o.startswith("Library ") for o in admin)
    assert "Download the forum package" in visits["manager"]["forum_package"].text
    assert not visits["forum"]["forum_package"].in_navigation


def test_project_forms_per_role(visits):
    """Forms only for writers; a manager's forms offer only the own library; personas: admin."""
    forum = visits["forum"]["projects"]
    assert "Title" not in forum.text_inputs and "Save" not in forum.buttons
    manager = visits["manager"]["projects"]
    assert "Title" in manager.text_inputs
    form_libraries = [
        opts for label, opts in manager.selectboxes.items() if label == "Library" and opts
    ]
    assert form_libraries and all(opts == ["Alfa"] for opts in form_libraries)
    assert "Name" not in manager.text_inputs  # the persona form is the admin's
    assert "Name" in visits["admin"]["projects"].text_inputs


def test_audit_page_lists_writes_for_admins_only(server):
    service.Service(server, access.Principal(ROLES["manager"], "manager", "alfa")).add_project(
        library="alfa", touchpoint="counter", title="Audit-prøve", start="2024-03-01"
    )
    at = signed_in("admin")
    at.switch_page("views/audit.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    row = shown[shown["detail"].str.contains("Audit-prøve")].iloc[0]
    assert row["who"] == ROLES["manager"] and row["library_key"] == "alfa"


def test_manager_writes_a_project_through_the_page_form(server):
    at = signed_in("manager")
    at.switch_page("views/projects.py").run()
    title = next(t for t in at.text_input if t.label == "Title")
    title.input("Skranke uden kø")
    start = next(d for d in at.date_input if d.label == "Start date")
    start.set_value(__import__("datetime").date(2024, 5, 1))
    # the first Save belongs to the first form (add a project)
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert any("saved" in s.value for s in at.success), [e.value for e in at.error]
    log = service.Service(server, access.Principal("a", "admin")).audit_log()
    assert ((log["action"] == "project") & (log["who"] == ROLES["manager"])).any()


def test_pages_and_report_show_each_library_under_the_same_pseudonym(server, monkeypatch):
    """Before: the Report page drew its own letters ("Library A" on the pages was another
    library in the report). The staff counts tie each label to one library: the Data quality
    table and the report's full table must pair every label with the same counts."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
    from streamlit.testing.v1 import app_test

    stores = []

    class Recording(MemoryMediaFileStorage):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            stores.append(self)

    monkeypatch.setattr(app_test, "MemoryMediaFileStorage", Recording)
    at = signed_in("admin")
    at.switch_page("views/data_quality.py")
    at.query_params["period"] = ""  # all periods (the Overview left the latest in the URL)
    at.run()
    staff = at.dataframe[0].value  # label (shown as "Library"), one column per period
    at.switch_page("views/report.py").run()
    assert not at.exception
    html = next(
        f.content.decode("utf-8")
        for store in stores
        for f in store._files_by_id.values()
        if f.mimetype == "text/html"
    )
    checked = 0
    for row in staff.itertuples(index=False):
        label, counts = row[0], dict(zip(staff.columns[1:], row[1:], strict=True))
        assert label.startswith("Library ")
        for period, shown in counts.items():
            if not shown or "<" in str(shown):
                continue  # no data, or hidden below k
            assert f"<tr><td>{label}</td><td>{period}</td><td>{shown}</td>" in html
            checked += 1
    assert checked >= 10
