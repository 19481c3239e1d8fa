"""The Forum package page builds the package once per data version and signs only on download.

Before: every rerun of the page (any click) rebuilt the whole package, and the first view of the
page made and stored this installation's signing key, though nobody had downloaded anything. The
preview is now the access layer's cached, role-independent build (``Service.forum_package_preview``
through ``servicemirror.core.cache``); the download button holds a callable that signs when clicked.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import app_test
from test_dashboard_pages import run_page

from servicemirror import service
from servicemirror.app import forum, signing
from servicemirror.core import cache
from servicemirror.etl.readers import forum_package as fmt
from servicemirror.privacy import access


@pytest.fixture
def managers(monkeypatch) -> list[MediaFileManager]:
    """Every media file manager AppTest makes, so a test can press a deferred download."""
    made: list[MediaFileManager] = []

    class Recording(MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    return made


@pytest.fixture
def collect_calls(monkeypatch) -> list[tuple]:
    """Count forum.collect calls (the package build) while the real one does the work."""
    calls: list[tuple] = []
    real = forum.collect

    def counting(*args, **kwargs):
        calls.append((args, tuple(sorted(kwargs.items()))))
        return real(*args, **kwargs)

    monkeypatch.setattr(forum, "collect", counting)
    cache.clear("forum_package")
    return calls


def test_a_rerun_does_not_rebuild_the_package(small_db, monkeypatch, collect_calls):
    at = run_page("forum_package", monkeypatch, small_db)
    assert len(at.get("download_button")) == 1
    assert len(collect_calls) == 1
    at.run()  # any click on the page reruns the script
    at.run()
    assert not at.exception
    assert len(collect_calls) == 1
    # another choice of periods is another package: built once, too
    at.multiselect[0].unselect(at.multiselect[0].value[0]).run()
    at.run()
    assert len(collect_calls) == 2


def test_viewing_makes_no_key_and_the_download_signs(small_db, monkeypatch, managers):
    cache.clear("forum_package")
    at = run_page("forum_package", monkeypatch, small_db)
    assert at.get("download_button")
    assert signing.own_key(small_db) is None  # nothing signed, no key made by looking
    # press the download: the deferred callable runs, makes the key and signs
    deferred = [
        (mgr, file_id) for mgr in managers for file_id in list(mgr._deferred_callables.keys())
    ]
    assert len(deferred) == 1
    mgr, file_id = deferred[0]
    payload = mgr._deferred_callables[file_id]["callable"]()
    key = signing.own_key(small_db)
    assert key is not None
    with zipfile.ZipFile(io.BytesIO(payload)) as zf:
        manifest = json.loads(zf.read(fmt.MANIFEST))
    public = key.public_key().public_bytes_raw()
    assert manifest["signature"]["key_id"] == fmt.key_id(public)
    assert set(manifest["tables"]) == set(fmt.TABLES)


def test_the_shared_preview_never_carries_a_signature(small_db):
    admin = service.Service(small_db, access.Principal("a", "admin"))
    preview = admin.forum_package_preview("alfa", ["2024"])
    assert signing.own_key(small_db) is None
    admin.signed_forum_package(preview)
    again = admin.forum_package_preview("alfa", ["2024"])
    assert again is preview  # the cached build: the key's row did not count as new data
    assert "signature" not in again.manifest and again.manifest["tables"] == {}
    # the cache is shared between viewers, the check is not: a forum viewer is refused
    forum_viewer = service.Service(small_db, access.Principal("f", "forum"))
    with pytest.raises(service.Refused):
        forum_viewer.forum_package_preview("alfa", ["2024"])
    with pytest.raises(service.Refused):
        forum_viewer.signed_forum_package(preview)
