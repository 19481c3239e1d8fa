"""Benchmark 7: N sessions opening the Overview together, over Streamlit's websocket protocol.

No browser: each session is a headless client speaking what the browser speaks to a Streamlit
server (``streamlit.proto`` BackMsg/ForwardMsg protobufs over the ``/_stcore/stream`` websocket,
with the ``websockets`` client Streamlit depends on). A session first fetches ``/`` as a browser
does (HAProxy's worker cookie arrives there), opens the websocket with that cookie, asks for a
script run (``rerun_script``) and reads ForwardMsgs until ``script_finished``.

The product runs in server mode as a forum meeting has it: every session signs in with its own
user (a manager of one library; the user file is written to a temp folder) by submitting the
sign-in form as the browser would (the form's text inputs and its submit button, by the widget
ids the server sent). Then, with every session signed in and waiting, all N ask for the Overview
at the same moment; the clock of each runs from its request to its ``script_finished``. The bare
page (``bench/bare_app.py``: one Altair chart of the same points) gets the same treatment without
the sign-in. A session counts as an error when it fails to connect, the run ends without the
chart, an exception element arrives, or it takes longer than ``TIMEOUT``.

Each N runs against the product and the bare page, without workers (one Streamlit process, as
``servicemirror serve``) and with ``servicemirror serve --workers W`` (the bare page behind the
same HAProxy configuration, ``serve_bare`` below). Target: at 30 sessions, the Overview's p95
<= 1.5x the bare page's p95 with the same N, no errors (with workers, as docs/deploy.md
documents for a forum meeting).

    python -m bench.sessions --db /work/benchdata/national.duckdb --sessions 1,10,30 --workers 2
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench.common import ROOT, Result, percentile

sys.path.insert(0, str(ROOT / "tests"))

# the one health wait for a served dashboard, as the browser tests and benchmark 5 use it
from browser_recipe import wait_healthy  # noqa: E402

TARGET = 1.5
SESSIONS = (1, 10, 30)
TIMEOUT = 180.0  # seconds one script run may take before the session counts as an error
PASSWORD = "bench-password-1"  # the benchmark's own throw-away user file, never a real one
CHART = "vega_lite_chart"


@dataclass
class Run:
    """What one script run sent: how long it took, and what the client checks in it."""

    seconds: float
    charts: int = 0
    exceptions: list[str] = field(default_factory=list)
    widgets: dict[str, str] = field(default_factory=dict)  # widget id -> element type
    page_script_hash: str = ""


class Session:
    """One headless browser session on a Streamlit server (through HAProxy or not)."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.cookie = ""
        self.worker = None  # the worker HAProxy named on the first answer (None without it)
        self.socket_worker = None  # ... and on the websocket's upgrade answer
        self.socket = None
        self.page_script_hash = ""

    def _get_page(self) -> None:
        """GET / as a browser opens the page: keeps the cookies (HAProxy's worker cookie)."""
        parts = urlsplit(self.base)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request("GET", "/", headers={"Cookie": self.cookie} if self.cookie else {})
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise ConnectionError(f"GET / answered {response.status}")
            cookies = [
                value.split(";", 1)[0]
                for name, value in response.getheaders()
                if name.lower() == "set-cookie"
            ]
            if cookies:
                self.cookie = "; ".join(cookies)
            self.worker = response.getheader("X-Servicemirror-Worker")
        finally:
            connection.close()

    async def connect(self) -> None:
        """Open the page and its websocket (``/_stcore/stream``, subprotocol ``streamlit``)."""
        from websockets.asyncio.client import connect

        await asyncio.to_thread(self._get_page)
        url = "ws" + self.base[len("http") :] + "/_stcore/stream"
        headers = {"Cookie": self.cookie} if self.cookie else {}
        self.socket = await connect(
            url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            max_size=None,
            open_timeout=60,
            ping_interval=None,
        )
        self.socket_worker = self.socket.response.headers.get("X-Servicemirror-Worker")

    async def run(self, widget_states=()) -> Run:
        """Ask for one script run with ``widget_states``; read until the script finished.

        A run that ends early for a rerun (``st.rerun()`` after signing in) is followed into
        the next one; the time covers both, as a browser sees it.
        """
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = BackMsg()
        state = message.rerun_script
        state.query_string = ""
        state.page_script_hash = self.page_script_hash
        state.widget_states.widgets.extend(widget_states)
        state.context_info.timezone = "Europe/Copenhagen"
        state.context_info.locale = "da-DK"
        state.context_info.url = self.base + "/"
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        run = Run(seconds=0.0)
        done = (
            ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY,
            ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR,
        )
        async with asyncio.timeout(TIMEOUT):
            while True:
                forward = ForwardMsg.FromString(await self.socket.recv())
                kind = forward.WhichOneof("type")
                if kind == "new_session":
                    self.page_script_hash = forward.new_session.page_script_hash
                elif kind == "navigation":
                    self.page_script_hash = forward.navigation.page_script_hash
                elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    what = element.WhichOneof("type")
                    if what == CHART:
                        run.charts += 1
                    elif what == "exception":
                        run.exceptions.append(element.exception.message[:200])
                    elif what in ("text_input", "button"):
                        run.widgets[getattr(element, what).id] = what
                elif kind == "script_finished" and forward.script_finished in done:
                    break
        run.seconds = time.perf_counter() - start
        run.page_script_hash = self.page_script_hash
        return run

    async def sign_in(self, username: str, password: str, form: Run) -> Run:
        """Submit the sign-in form drawn in ``form`` (a run of the signed-out page)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        states = []
        for widget_id, what in form.widgets.items():
            state = WidgetState(id=widget_id)
            if widget_id.endswith("sign_in_name"):
                state.string_value = username
            elif widget_id.endswith("sign_in_password"):
                state.string_value = password
            elif what == "button":
                state.trigger_value = True  # the form's one button: its submit
            else:
                continue
            states.append(state)
        if len(states) != 3:
            raise RuntimeError(f"no sign-in form on the page (widgets: {sorted(form.widgets)})")
        return await self.run(states)

    async def close(self) -> None:
        """Close the websocket (the server ends the session)."""
        if self.socket is not None:
            await self.socket.close()


def _problem(run: Run) -> str | None:
    """Why a finished run is not the page drawn (None: it is)."""
    if run.exceptions:
        return f"exception: {run.exceptions[0]}"
    if run.charts == 0:
        return "the run finished without a chart"
    return None


async def measure(base: str, n: int, users: list[str] | None, password: str = PASSWORD) -> dict:
    """N sessions on ``base``: connect and (with ``users``) sign in, then all run the page at once.

    Returns the timed runs' seconds, the sign-in seconds, errors (one line each) and, per
    session, the worker that served the page and the websocket (HAProxy's header; None direct).
    """
    from google.protobuf.message import DecodeError
    from websockets.exceptions import WebSocketException

    # what a session can meet: refused or dropped connections, a timeout, a bad frame, a page
    # that is not what it should be (RuntimeError from _problem)
    failures = (OSError, TimeoutError, RuntimeError, http.client.HTTPException)
    failures += (WebSocketException, DecodeError)
    sessions = [Session(base) for _ in range(n)]
    errors: list[str] = []
    ready: list[Session] = []

    async def prepare(i: int, session: Session) -> float | None:
        try:
            await session.connect()
            first = await session.run()
            if users is None:
                problem = _problem(first)
                if problem:
                    raise RuntimeError(problem)
                ready.append(session)
                return None
            signed = await session.sign_in(users[i % len(users)], password, first)
            problem = _problem(signed)
            if problem:
                raise RuntimeError(f"after signing in: {problem}")
            ready.append(session)
            return signed.seconds
        except failures as exc:  # counted and reported: the benchmark's answer is the count
            errors.append(f"session {i} set-up: {type(exc).__name__}: {exc}")
            return None

    # sessions open and sign in together too (a meeting's start); timed, reported beside
    signin = [s for s in await asyncio.gather(*map(prepare, range(n), sessions)) if s is not None]

    async def timed(session: Session) -> float | None:
        try:
            run = await session.run()
            problem = _problem(run)
            if problem:
                raise RuntimeError(problem)
            return run.seconds
        except failures as exc:  # counted and reported, as above
            errors.append(f"timed run: {type(exc).__name__}: {exc}")
            return None

    # the client shares the machine's cores with the servers: its own CPU time is reported
    cpu = time.process_time()
    seconds = [s for s in await asyncio.gather(*map(timed, ready)) if s is not None]
    cpu = time.process_time() - cpu
    workers = [(s.worker, s.socket_worker) for s in sessions]
    await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    return {
        "seconds": seconds,
        "signin": signin,
        "errors": errors,
        "workers": workers,
        "client_cpu": cpu,
    }


def write_users(db_path: Path, path: Path, n: int) -> list[str]:
    """A user file with ``n`` managers, each of one library of the database (cycling)."""
    from servicemirror.core import db
    from servicemirror.privacy import users

    with db.reading(db_path) as con:
        keys = [r[0] for r in con.sql("select library_key from libraries order by 1").fetchall()]
    names = []
    for i in range(n):
        key = keys[i % len(keys)]
        name = f"manager{i}@{key}.bench"
        users.add(path, name, "manager", library_key=key, password=PASSWORD)
        names.append(name)
    return names


@contextmanager
def server(command: list[str], env: dict[str, str], log: Path, port: int, cwd: Path = ROOT):
    """Run ``command`` (a server on ``port``, started in ``cwd``) until the block ends; yields
    its URL."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            command, env=dict(os.environ) | env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log, timeout=120)
        yield url
    finally:
        proc.terminate()  # `serve --workers` stops its workers and HAProxy on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _free_ports(count: int) -> int:
    """A port with ``count`` free ports after it (HAProxy's and the workers')."""
    import socket

    for _ in range(50):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            first = sock.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            for p in range(first, first + count + 1):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", p))
        except OSError:
            continue  # one of them is taken: try another start
        return first
    raise RuntimeError("no run of free loopback ports")


def product_command(db_path: Path, port: int, workers: int) -> list[str]:
    """``servicemirror serve`` as an operator starts it (the real command, through its CLI)."""
    command = [sys.executable, "-m", "servicemirror.cli", "serve", "--db", str(db_path)]
    return command + ["--port", str(port), "--address", "127.0.0.1", "--workers", str(workers)]


def bare_command(port: int, workers: int) -> list[str]:
    """The bare page, alone or behind the same HAProxy set-up (``serve_bare``)."""
    if workers <= 1:
        from servicemirror.cli.serve import streamlit_command

        return streamlit_command(ROOT / "bench" / "bare_app.py", "127.0.0.1", port)
    return [sys.executable, "-m", "bench.sessions", "--serve-bare", str(port), str(workers)]


def serve_bare(port: int, workers: int) -> int:
    """The bare page in ``workers`` Streamlit processes behind HAProxy, as ``serve --workers``."""
    from servicemirror.cli import workers as pool
    from servicemirror.cli.serve import streamlit_command

    app = ROOT / "bench" / "bare_app.py"
    ports = pool.worker_ports(port, workers)
    commands = [streamlit_command(app, "127.0.0.1", p) for p in ports]
    return pool.run(commands, ports, "127.0.0.1", port, dict(os.environ), app.parent, print)


def run(
    db_path: Path, sessions=SESSIONS, workers: int = 2, rounds: int = 1, with_single: bool = True
) -> Result:
    """Benchmark 7 at each N of ``sessions``: the Overview (server mode, signed in) vs the bare
    page, with one process and with ``workers`` behind HAProxy; ``rounds`` timed rounds per N."""
    from bench.browser import write_points
    from servicemirror.cli.workers import find_haproxy

    title = f"{max(sessions)} websocket sessions, Overview (server mode, signed in) vs bare page"
    if workers > 1 and find_haproxy() is None:
        return Result(
            key="7",
            title=title,
            ratio=None,
            target=f"<= {TARGET}",
            ok=None,
            notes=["skipped: --workers needs HAProxy (apt-get install haproxy)"],
        )
    rows = []
    settings = ([1] if with_single else []) + ([workers] if workers > 1 else [])
    with tempfile.TemporaryDirectory(prefix="sm-bench-sessions-") as tmp:
        tmp = Path(tmp)
        write_points(db_path, tmp / "points.csv")
        names = write_users(db_path, tmp / "users.json", max(sessions))
        product_env = {
            "SERVICEMIRROR_MODE": "server",
            "SERVICEMIRROR_USERS": str(tmp / "users.json"),
            "SERVICEMIRROR_DB": str(db_path),
        }
        bare_env = {"BENCH_POINTS": str(tmp / "points.csv")}
        for w in settings:
            port_p, port_b = _free_ports(w), None
            with server(
                product_command(db_path, port_p, w), product_env, tmp / "p.log", port_p
            ) as p:
                port_b = _free_ports(w)
                # started in bench/ (a lone Streamlit reads bench/.streamlit/config.toml there, as
                # serve_bare's workers do): the dashboard's server settings, on the bare page too
                bare_cwd = ROOT / "bench" if w <= 1 else ROOT
                with server(
                    bare_command(port_b, w), bare_env, tmp / "b.log", port_b, bare_cwd
                ) as b:
                    # warm-up: every worker builds its cached published cells once
                    asyncio.run(measure(p, 2 * w, names))
                    asyncio.run(measure(b, 2 * w, None))
                    for n in sessions:
                        found = {"product": [], "bare": [], "signin": [], "errors": []}
                        found["client_cpu"] = {"product": 0.0, "bare": 0.0}
                        spread: set = set()
                        for _ in range(rounds):
                            for which, url in (("product", p), ("bare", b)):
                                out = asyncio.run(
                                    measure(url, n, names if which == "product" else None)
                                )
                                found[which] += out["seconds"]
                                found["client_cpu"][which] += out["client_cpu"] / rounds
                                found["errors"] += [f"{which}: {e}" for e in out["errors"]]
                                if which == "product":
                                    found["signin"] += out["signin"]
                                    spread |= {wk for wk, _ in out["workers"]}
                        rows.append(_row(n, w, found, spread))
                        print(_describe(rows[-1]), flush=True)
    return _result(rows, sessions, workers)


def _row(n: int, w: int, found: dict, spread: set) -> dict:
    p95 = {k: percentile(found[k], 95) if found[k] else float("nan") for k in ("product", "bare")}
    p50 = {k: percentile(found[k], 50) if found[k] else float("nan") for k in ("product", "bare")}
    return {
        "sessions": n,
        "workers": w,
        "product_p50": p50["product"],
        "product_p95": p95["product"],
        "bare_p50": p50["bare"],
        "bare_p95": p95["bare"],
        "ratio_p95": p95["product"] / p95["bare"],
        "signin_p95": percentile(found["signin"], 95) if found["signin"] else float("nan"),
        "client_cpu": found["client_cpu"],
        "errors": found["errors"],
        "served_by": sorted(x for x in spread if x),
    }


def _describe(row: dict) -> str:
    return (
        f"      {row['sessions']:>3} sessions, {row['workers']} worker(s): Overview p50 "
        f"{row['product_p50']:.2f} s p95 {row['product_p95']:.2f} s | bare p50 "
        f"{row['bare_p50']:.2f} s p95 {row['bare_p95']:.2f} s | p95 ratio {row['ratio_p95']:.2f}"
        f" | sign-in p95 {row['signin_p95']:.2f} s | errors {len(row['errors'])}"
        f" | client CPU {row['client_cpu']['product']:.2f} / {row['client_cpu']['bare']:.2f} s"
        + (f" | workers used {','.join(row['served_by'])}" if row["served_by"] else "")
    )


def _result(rows: list[dict], sessions, workers: int) -> Result:
    """The ratio at the largest N with workers (or one process when no workers were run)."""
    top = max(sessions)
    candidates = [r for r in rows if r["sessions"] == top]
    chosen = max(candidates, key=lambda r: r["workers"])
    errors = sum(len(r["errors"]) for r in rows)
    figures = {}
    for r in rows:
        tag = f"{r['sessions']}x{r['workers']}w"
        figures[f"{tag} Overview p95 s"] = round(r["product_p95"], 3)
        figures[f"{tag} bare p95 s"] = round(r["bare_p95"], 3)
    single = [r for r in candidates if r["workers"] == 1]
    if single and chosen["workers"] > 1:
        # the same Overview with workers against the bare page in one plain process
        figures[f"{top} Overview {chosen['workers']}w vs bare 1 process p95"] = round(
            chosen["product_p95"] / single[0]["bare_p95"], 2
        )
    figures["errors"] = errors
    # the rows were printed as they were measured; the notes keep the first errors of each
    notes = [e for r in rows for e in r["errors"][:3]]
    return Result(
        key="7",
        title=f"{top} websocket sessions, Overview (server mode, signed in) vs bare page",
        ratio=chosen["ratio_p95"],
        target=f"<= {TARGET} at p95 with {chosen['workers']} worker(s), no errors",
        ok=chosen["ratio_p95"] <= TARGET and errors == 0,
        figures=figures,
        notes=notes,
        extra={"rows": rows},
    )


def main(argv: list[str] | None = None) -> int:
    """Command line: the benchmark, or (``--serve-bare PORT WORKERS``) the bare page's pool."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--serve-bare", nargs=2, type=int, metavar=("PORT", "WORKERS"))
    parser.add_argument("--db", type=Path)
    parser.add_argument("--sessions", default=",".join(map(str, SESSIONS)))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-single", action="store_true", help="only the run with workers")
    args = parser.parse_args(argv)
    if args.serve_bare:
        return serve_bare(*args.serve_bare)
    if args.db is None:
        parser.error("--db is needed")
    sessions = [int(x) for x in args.sessions.split(",") if x.strip()]
    result = run(args.db, sessions, args.workers, args.rounds, not args.no_single)
    print(result.line())
    print(json.dumps(result.figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
