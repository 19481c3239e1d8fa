"""The ``serve`` command: the dashboard, bound to this machine unless told otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from servicemirror.cli.common import (
    CommandError,
    _command,
    _db,
)
from servicemirror.core import config, db


def _loopback(address: str) -> bool:
    """Whether ``address`` is reachable only from this machine (localhost, 127.x, ::1)."""
    import ipaddress

    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False  # a host name or interface address: the network can reach it


def streamlit_command(app: Path, address: str, port: int) -> list[str]:
    """The command that serves ``app`` with Streamlit: headless, no usage statistics, no file
    watcher (the browser test and benchmark start the dashboard with it too)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
    ]


def cmd_serve(args) -> int:
    from servicemirror.privacy import access

    db_path = _db(args)
    if access.mode() == "local" and not _loopback(args.address):
        raise CommandError(
            f"--address {args.address}: local mode has no sign-in (everyone is admin), so it "
            f"serves only this machine; to serve the network use server mode with users "
            f"({access.MODE_ENV}=server, `servicemirror users add`)."
        )
    db.require(db_path)
    app = Path(__file__).resolve().parent / "dashboard" / "app.py"
    if not app.is_file():  # editable install: the dashboard folder sits at the project root
        app = config.PROJECT_ROOT / "dashboard" / "app.py"
    env = dict(os.environ, SERVICEMIRROR_DB=str(db_path.resolve()))
    command = streamlit_command(app, args.address, args.port)
    print(
        f"Serving Service Mirror on http://localhost:{args.port} (database {db_path}). Ctrl+C stops it."
    )
    # run from the dashboard folder so Streamlit reads dashboard/.streamlit/config.toml (theme with
    # AA contrast, minimal toolbar); the database path is absolute, so the folder does not matter
    return subprocess.call(command, env=env, cwd=app.parent)


def add_commands(commands) -> None:
    """Add ``serve`` to ``commands``."""
    p = _command(commands, "serve", "Serve the dashboard.", cmd_serve, json_help=None)
    p.add_argument("--port", type=int, default=8501, help="port")
    p.add_argument("--address", default="localhost", help="address to listen on")
