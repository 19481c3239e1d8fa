"""``serve --workers N``: N Streamlit processes over one database behind HAProxy.

One Streamlit process runs every session's script in one Python interpreter, so on a machine
with several cores a room full of viewers queues behind one core. ``serve --workers N`` starts N
dashboard processes on ``127.0.0.1`` (ports ``port+1 .. port+N``, never reachable from the
network) and HAProxy (Debian's ``haproxy`` package) on ``--address:--port`` in front of them.

Why sticky sessions: a Streamlit session lives in the memory of the process that opened it (its
sign-in, its widget state, its uploaded files). The browser's websocket is one connection and so
stays on one process by itself, but the page's other requests (file uploads, downloads, media)
are plain HTTP and must reach the same process: HAProxy inserts a cookie naming the worker on
the first answer and sends every later request carrying it to that worker. A new visitor goes
to the worker with the fewest open connections (``balance leastconn``: a websocket is a long
connection, so connection counts are the load).

Every worker gets the same ``server.cookieSecret`` (Streamlit signs its XSRF cookie with it), so
a visitor whose worker stopped and who is sent to another one is not refused. The database is
opened by each worker through ``servicemirror.core.db`` (short-lived connections behind the
shared/exclusive lock file), exactly as one dashboard and a ``load`` on the command line share it.

``haproxy_config`` is the one place the configuration is written; ``deploy/haproxy.cfg`` is its
output for a four-worker municipal server (``tests/test_workers.py`` keeps them equal).
"""

from __future__ import annotations

import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

COOKIE = "servicemirror_worker"
# the response header naming the worker that answered (what the CI test checks stickiness with)
WORKER_HEADER = "X-Servicemirror-Worker"
HEALTH = "/_stcore/health"
START_TIMEOUT = 90.0  # seconds for every worker to answer its health check (cold imports)


class WorkersError(Exception):
    """A worker or HAProxy could not start or stopped; told in one line."""


def worker_ports(port: int, workers: int) -> list[int]:
    """The loopback ports of the workers behind ``port``: port+1 .. port+workers."""
    return [port + i for i in range(1, workers + 1)]


def haproxy_config(address: str, port: int, ports: list[int]) -> str:
    """HAProxy's configuration: ``address:port`` in front of the workers on 127.0.0.1:``ports``.

    Websockets need no switch in HTTP mode (HAProxy passes the upgrade through); ``timeout
    tunnel`` is how long an idle websocket is kept (a meeting's Overview may sit still for an
    hour). The health check is Streamlit's own ``/_stcore/health``.
    """
    bind = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    servers = "\n".join(
        f"    server w{i} 127.0.0.1:{p} check cookie w{i}" for i, p in enumerate(ports, start=1)
    )
    return f"""\
# Service Mirror: HAProxy in front of {len(ports)} dashboard workers (servicemirror serve --workers).
global
    maxconn 2000

defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    # an open websocket (a session) may be idle for as long as a meeting lasts
    timeout tunnel 2h
    timeout http-request 10s

frontend servicemirror
    bind {bind}
    default_backend dashboard

backend dashboard
    # a session lives in one worker: the cookie keeps a browser on the worker that served it
    balance leastconn
    cookie {COOKIE} insert indirect nocache httponly
    option httpchk GET {HEALTH}
    http-check expect status 200
    http-response set-header {WORKER_HEADER} %[srv_name]
{servers}
"""


def find_haproxy() -> str | None:
    """The ``haproxy`` program: on PATH, or in /usr/sbin where Debian puts it (not on a normal
    user's PATH)."""
    return shutil.which("haproxy") or shutil.which("haproxy", path="/usr/sbin:/sbin")


def _loopback_bind(address: str) -> bool:
    """Whether HAProxy's ``address`` is reached from here through 127.0.0.1 (every interface,
    or loopback itself)."""
    return address.strip("[]") in ("0.0.0.0", "::", "", "localhost") or address.startswith("127.")


def _healthy(port: int, host: str = "127.0.0.1") -> bool:
    """Whether ``host:port`` answers Streamlit's health check (through HAProxy: a worker does)."""
    host = f"[{host}]" if ":" in host else host
    try:
        with urllib.request.urlopen(f"http://{host}:{port}{HEALTH}", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False  # not listening yet


def _last_line(log: Path) -> str:
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(no output)"


def _stop(procs: list[subprocess.Popen]) -> None:
    """Terminate ``procs`` (HAProxy first, so no request reaches a stopping worker)."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for proc in procs:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Stopped(Exception):
    """SIGTERM arrived: leave the supervision loop as Ctrl+C does."""


def _raise_stopped(signum, frame):
    raise Stopped


@contextmanager
def sigterm_stops():
    """Within the block SIGTERM raises :class:`Stopped` (so the children are stopped on the way
    out, as after Ctrl+C; by default SIGTERM would end this process and leave them running)."""
    previous = signal.signal(signal.SIGTERM, _raise_stopped)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(
    commands: list[list[str]],
    ports: list[int],
    address: str,
    port: int,
    env: dict[str, str],
    cwd: Path,
    announce=print,
) -> int:
    """Start the worker ``commands`` (one per port) and HAProxy on ``address:port``; supervise.

    Returns 0 after Ctrl+C or SIGTERM (everything stopped). Raises WorkersError when HAProxy is
    not installed, a worker does not become healthy, or a process exits while serving (the
    others are stopped then too).
    """
    haproxy = find_haproxy()
    if haproxy is None:
        raise WorkersError(
            "--workers needs HAProxy, which is not installed: install Debian's package "
            "(apt-get install haproxy) or serve without --workers."
        )
    env = dict(env)
    # one secret for all workers, unless the host set its own (an XSRF cookie signed by one
    # worker is then valid on all of them)
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_urlsafe(32))
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="servicemirror-")))
        running: list[tuple[subprocess.Popen, str, Path]] = []  # (process, what, its log)
        stack.callback(lambda: _stop([proc for proc, _, _ in running]))
        stack.enter_context(sigterm_stops())
        try:
            for i, (command, worker_port) in enumerate(zip(commands, ports, strict=True), 1):
                running.append(
                    _start(
                        command, env, cwd, f"worker w{i} (port {worker_port})", folder / f"w{i}.log"
                    )
                )
            deadline = time.monotonic() + START_TIMEOUT
            waiting = dict(zip(ports, running, strict=True))
            while waiting:
                for worker_port, (proc, what, log) in list(waiting.items()):
                    if proc.poll() is not None:
                        raise WorkersError(_exited(what, proc, log))
                    if _healthy(worker_port):
                        del waiting[worker_port]
                if waiting and time.monotonic() > deadline:
                    what = next(iter(waiting.values()))[1]
                    raise WorkersError(
                        f"{what} did not answer {HEALTH} within {START_TIMEOUT:.0f} s."
                    )
                time.sleep(0.2)
            config = folder / "haproxy.cfg"
            config.write_text(haproxy_config(address, port, ports))
            # HAProxy first in the list: it is stopped first, so no request reaches a stopping worker
            running.insert(
                0,
                _start(
                    [haproxy, "-db", "-f", str(config)],
                    env,
                    cwd,
                    f"haproxy on {address}:{port}",
                    folder / "haproxy.log",
                ),
            )
            proxy, what, log = running[0]
            deadline = time.monotonic() + 10
            # announced only once the proxy answers: a taken --port ends here, not later
            while not _healthy(port, "127.0.0.1" if _loopback_bind(address) else address):
                if proxy.poll() is not None:
                    raise WorkersError(_exited(what, proxy, log))
                if time.monotonic() > deadline:
                    raise WorkersError(f"{what} did not answer within 10 s: see {log}.")
                time.sleep(0.1)
            announce(
                f"Serving Service Mirror on http://localhost:{port} with {len(ports)} workers "
                f"behind HAProxy (their logs: {folder}). Ctrl+C stops it."
            )
            while True:
                for proc, what, log in running:
                    if proc.poll() is not None:
                        raise WorkersError(_exited(what, proc, log))
                time.sleep(0.5)
        except (KeyboardInterrupt, Stopped):
            return 0


def _start(command: list[str], env: dict[str, str], cwd: Path, what: str, log: Path):
    """Start ``command`` with its output in ``log``; returns (process, what, log)."""
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    return proc, what, log


def _exited(what: str, proc: subprocess.Popen, log: Path) -> str:
    """One line: which process stopped, its exit code and the last line it wrote."""
    return f"{what} exited with code {proc.returncode}: {_last_line(log)}"
