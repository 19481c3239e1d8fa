"""The import contracts of `.importlinter` (docs/architecture.md) hold, and they bite.

`make test` runs `lint-imports` itself before pytest; these tests run the same contracts on the
package laid out as installed (symbolic links, as the Makefile's `imports` target does), and on a
copy with one page that imports a writer, which must break the pages and writers contracts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
FOLDERS = ("etl", "analysis", "queries", "dashboard")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def installed_layout(
    target: Path, extra_page: str | None = None, extra_core: str | None = None
) -> Path:
    """``target/servicemirror`` as the package is installed (folders mapped into it).

    With ``extra_page`` the dashboard is laid out file by file and one more page holding that
    source is added; with ``extra_core`` likewise one more infrastructure module in
    ``servicemirror/core/`` (the real tree is never touched).
    """
    package = target / "servicemirror"
    package.mkdir(parents=True)
    for source in (ROOT / "servicemirror").glob("*.py"):
        (package / source.name).symlink_to(source)
    for init in (ROOT / "servicemirror").glob("*/__init__.py"):  # the layers' sub-packages
        if init.parent.name == "core" and extra_core is not None:
            core = package / "core"
            core.mkdir()
            for source in init.parent.glob("*.py"):
                (core / source.name).symlink_to(source)
            (core / "side_door.py").write_text(extra_core)
            continue
        (package / init.parent.name).symlink_to(init.parent)
    for folder in FOLDERS:
        if folder == "dashboard" and extra_page is not None:
            continue
        (package / folder).symlink_to(ROOT / folder)
    if extra_page is not None:
        dashboard = package / "dashboard"
        views = dashboard / "views"
        views.mkdir(parents=True)
        for source in (ROOT / "dashboard").glob("*.py"):
            (dashboard / source.name).symlink_to(source)
        for source in (ROOT / "dashboard" / "views").glob("*.py"):
            (views / source.name).symlink_to(source)
        (views / "side_door.py").write_text(extra_page)
    return target


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(CONFIG), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_hold(tmp_path):
    done = lint_imports(installed_layout(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 kept, 0 broken" in done.stdout


def test_a_page_that_imports_a_writer_breaks_the_contracts(tmp_path):
    page = "from servicemirror.etl import load\nfrom servicemirror.core import db\n"
    done = lint_imports(installed_layout(tmp_path, extra_page=page))
    assert done.returncode != 0
    out = done.stdout
    assert "Pages use only the dashboard's data" in out and "BROKEN" in out
    assert "servicemirror.dashboard.views.side_door -> servicemirror.etl.load" in out
    assert "servicemirror.dashboard.views.side_door -> servicemirror.core.db" in out


def test_infrastructure_that_imports_the_access_layer_breaks_the_layers(tmp_path):
    done = lint_imports(
        installed_layout(tmp_path, extra_core="from servicemirror import service\n")
    )
    assert done.returncode != 0
    assert "Layers:" in done.stdout and "BROKEN" in done.stdout
    assert "servicemirror.core.side_door -> servicemirror.service" in done.stdout
