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


def dashboard_app() -> Path:
    """The dashboard's ``app.py``: installed as ``servicemirror/dashboard``, or (editable
    install) in the ``dashboard`` folder at the project root."""
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    if not app.is_file():
        app = config.PROJECT_ROOT / "dashboard" / "app.py"
    return app


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
    app = dashboard_app()
    env = dict(os.environ, SERVICEMIRROR_DB=str(db_path.resolve()))
    if args.workers > 1:
        return _serve_workers(args, app, env, db_path)
    command = streamlit_command(app, args.address, args.port)
    print(
        f"Serving Service Mirror on http://localhost:{args.port} (database {db_path}). Ctrl+C stops it."
    )
    from servicemirror.cli import workers

    # run from the dashboard folder so Streamlit reads dashboard/.streamlit/config.toml (theme with
    # AA contrast, minimal toolbar); the database path is absolute, so the folder does not matter
    with workers.sigterm_stops():
        try:
            return subprocess.call(command, env=env, cwd=app.parent)
        except workers.Stopped:
            return 0  # subprocess.call ended Streamlit on the way out


def _serve_workers(args, app: Path, env: dict[str, str], db_path: Path) -> int:
    """``--workers N``: N dashboards on loopback ports behind HAProxy on --address:--port."""
    from servicemirror.cli import workers

    ports = workers.worker_ports(args.port, args.workers)
    if ports[-1] > 65535:
        raise CommandError(f"--port {args.port}: the workers need ports up to {ports[-1]}.")
    # the workers listen on loopback only: the network reaches them through HAProxy alone
    commands = [streamlit_command(app, "127.0.0.1", port) for port in ports]
    print(f"Starting {args.workers} workers on ports {ports[0]}-{ports[-1]} (database {db_path}).")
    try:
        return workers.run(commands, ports, args.address, args.port, env, app.parent)
    except workers.WorkersError as exc:
        raise CommandError(str(exc)) from None


def _workers(value: str) -> int:
    """``--workers``: a whole number from 1 to 64 (argparse prints the refusal in one line)."""
    import argparse

    if not value.strip().isdigit() or not 1 <= int(value) <= 64:
        raise argparse.ArgumentTypeError(f"{value!r}: give a whole number from 1 to 64")
    return int(value)


def add_commands(commands) -> None:
    """Add ``serve`` to ``commands``."""
    p = _command(commands, "serve", "Serve the dashboard.", cmd_serve, json_help=None)
    p.add_argument("--port", type=int, default=8501, help="port")
    p.add_argument("--address", default="localhost", help="address to listen on")
    p.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="dashboard processes (1-64); above 1 they run behind HAProxy on --port, "
        "on ports port+1..port+N (docs/deploy.md)",
    )
