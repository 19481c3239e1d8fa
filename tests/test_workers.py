"""``servicemirror serve --workers N``: several dashboards behind HAProxy, started for real.

The end-to-end test starts ``serve --workers 2`` in server mode on the small forum database (the
real command in its own process, HAProxy from Debian's package), signs in a few sessions through
the proxy with the websocket client of ``bench/sessions.py`` (Streamlit's own protocol), and
checks that each session's page and websocket were served by one worker (HAProxy's sticky
cookie), that both workers took sessions, that every session drew the Overview without an
error, and that SIGTERM stops HAProxy and both workers. It needs HAProxy: skipped locally
without it, a failure under CI=true (``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import http.client
import os
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from browser_recipe import wait_healthy
from conftest import PASSWORD, write_user_file

from servicemirror import cli
from servicemirror.cli import serve, workers
from servicemirror.privacy import access

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # bench/ is the repository's folder of scripts
from bench import sessions  # noqa: E402

# starts Streamlit servers: keep it beside the browser tests
pytestmark = pytest.mark.xdist_group("browser")


def _haproxy() -> str | None:
    found = workers.find_haproxy()
    if found is None and os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI=true: serve --workers needs HAProxy (apt-get install haproxy)")
    return found


def test_deploy_config_is_what_serve_writes(tmp_path):
    """deploy/haproxy.cfg is the generated configuration of a four-worker server on 8501, and
    HAProxy accepts both it and a generated one (``haproxy -c``)."""
    written = (ROOT / "deploy" / "haproxy.cfg").read_text()
    assert written == workers.haproxy_config("0.0.0.0", 8501, workers.worker_ports(8501, 4))
    assert "cookie servicemirror_worker insert" in written
    assert written.count("\n    server w") == 4
    haproxy = _haproxy()
    if haproxy is None:
        pytest.skip("HAProxy is not installed (apt-get install haproxy)")
    ipv6 = tmp_path / "v6.cfg"
    ipv6.write_text(workers.haproxy_config("::1", 18500, [18501, 18502]))
    for cfg in (ROOT / "deploy" / "haproxy.cfg", ipv6):
        check = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr


def test_workers_option_is_checked(layer_free_db, monkeypatch, capsys):
    """--workers takes 1..64; local mode still serves only this machine, with workers too."""
    for bad in ("0", "65", "two"):
        with pytest.raises(SystemExit):
            cli.main(["serve", "--db", str(layer_free_db), "--workers", bad])
        assert "whole number from 1 to 64" in capsys.readouterr().err
    started = []
    monkeypatch.setattr(workers.subprocess, "Popen", lambda *a, **k: started.append(a))
    monkeypatch.delenv(access.MODE_ENV, raising=False)
    args = ["serve", "--db", str(layer_free_db), "--workers", "2", "--address", "0.0.0.0"]
    assert cli.main(args) == 1
    err = capsys.readouterr().err
    assert "server mode" in err and err.count("\n") == 1
    assert not started


def test_missing_haproxy_is_one_line(layer_free_db, monkeypatch, capsys):
    started = []
    monkeypatch.setattr(workers.shutil, "which", lambda name, path=None: None)
    monkeypatch.setattr(workers.subprocess, "Popen", lambda *a, **k: started.append(a))
    assert cli.main(["serve", "--db", str(layer_free_db), "--workers", "3"]) == 1
    err = capsys.readouterr().err
    assert "apt-get install haproxy" in err and err.count("\n") == 1
    assert not started  # no worker left running without its proxy


def test_the_dashboard_app_is_found():
    """serve finds dashboard/app.py (an editable install keeps it at the project root)."""
    assert serve.dashboard_app().is_file()


@pytest.fixture
def layer_free_db(small_db_shared) -> Path:
    """The small forum database (read-only; nothing here writes)."""
    return small_db_shared


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False  # nobody listens there any more


def _get(port: int, cookie: str) -> tuple[str | None, str]:
    """GET / through HAProxy with ``cookie``: (the worker that answered, the cookie it set)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/", headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.getheader(workers.WORKER_HEADER), response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


def test_serve_workers_behind_haproxy_sticky_sessions(small_db_shared, tmp_path):
    """serve --workers 2 for real: sessions sign in through HAProxy, stay on one worker each,
    both workers serve, nobody meets an error, and SIGTERM stops every process."""
    if _haproxy() is None:
        pytest.skip("HAProxy is not installed (apt-get install haproxy)")
    port = sessions._free_ports(2)
    env = {
        "SERVICEMIRROR_MODE": "server",
        "SERVICEMIRROR_USERS": str(write_user_file(tmp_path / "users.json")),
    }
    command = sessions.product_command(small_db_shared, port, 2)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, env=dict(os.environ) | env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT
        )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log, timeout=120)
        names = ["anna@alfa.dk", "admin@kommune.dk", "forum@forum.dk"]
        base = f"http://127.0.0.1:{port}"
        out = asyncio.run(sessions.measure(base, 3, names, password=PASSWORD))
        assert out["errors"] == [], out["errors"]
        assert len(out["seconds"]) == 3 and len(out["signin"]) == 3
        # sticky: the page and the websocket of each session were served by the same worker
        assert all(page is not None and page == ws for page, ws in out["workers"]), out
        assert {page for page, _ in out["workers"]} == {"w1", "w2"}
        # a later request carrying the cookie goes to the worker that set it
        worker, cookie = _get(port, "")
        assert cookie.startswith(f"{workers.COOKIE}={worker};")
        for _ in range(3):
            assert _get(port, cookie.split(";", 1)[0])[0] == worker
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0, log.read_text()[-2000:]
    for p in (port, port + 1, port + 2):
        assert not _answers(f"http://127.0.0.1:{p}{workers.HEALTH}"), p


def test_sigterm_stops_a_single_dashboard_too(small_db_shared, tmp_path):
    """`serve` without --workers: SIGTERM to it ends its Streamlit process (it was left running)."""
    port = sessions._free_ports(0)
    command = sessions.product_command(small_db_shared, port, 1)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", proc, log, timeout=120)
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
    assert code == 0, log.read_text()[-2000:]
    assert not _answers(f"http://127.0.0.1:{port}{workers.HEALTH}")
