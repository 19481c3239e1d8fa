"""The one recipe for a served dashboard in a real browser, shared by tests/ and bench/.

Debian's Chromium (never ``playwright install``) with the flags that keep it quiet and offline,
and a Streamlit server on a free loopback port that is waited for until /_stcore/health answers.
No pytest here, so bench/ can import it (it puts tests/ on sys.path).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from servicemirror.cli.serve import streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Return once the Streamlit server ``proc`` (directly or behind HAProxy) answers
    ``/_stcore/health`` at ``url``; RuntimeError naming ``log`` if it exits or the wait runs out."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            # not listening yet (or HAProxy has no healthy worker yet): poll until the deadline
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{url} did not answer /_stcore/health within {timeout:.0f} s; see {log}"
                ) from None
        time.sleep(0.1)


@contextmanager
def serve(app: Path, env: dict[str, str], log: Path, timeout: float = 60):
    """A Streamlit server for ``app`` until the block ends; yields its URL.

    Raises RuntimeError (naming ``log``) if the server exits or is not healthy within ``timeout``.
    """
    port = free_port()
    with log.open("w") as out:
        proc = subprocess.Popen(
            streamlit_command(app, "127.0.0.1", port),
            env=dict(os.environ) | env,
            cwd=app.parent,  # as `servicemirror serve` does: dashboard/.streamlit/config.toml applies
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc, log, timeout)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
