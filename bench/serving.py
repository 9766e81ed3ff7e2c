"""How the bench scripts reach the apps they built: a WSGI call, or gunicorn and HTTP.

A server is a forked child of the bench process running gunicorn's arbiter (`--workers 1
--worker-class sync` by default) on the app object the bench built, with its temporary
databases, users and signed-in cookie, so nothing is rebuilt from a module path. Engines
must hold no pooled connection when a server forks: dashkit's renew themselves in a
forked child; the bench disposes its plain SQLAlchemy engines first. Client processes
send a fixed number of requests over fresh connections (sync workers close each one).
Every loop is bounded by a count and every wait by a timeout; a server is ready once its
worker has loaded the app, and is stopped when its `with` block ends, whatever happened
inside it.
"""

from __future__ import annotations

import argparse
import ctypes
import http.client
import math
import multiprocessing
import os
import signal
import socket
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from gunicorn.app.base import BaseApplication

STARTUP_TIMEOUT = 30.0
CLIENT_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
WARM_UP = 20
FORK = multiprocessing.get_context("fork")
PR_SET_PDEATHSIG = 1  # linux/prctl.h

WsgiApp = Callable[..., Any]


@dataclass(frozen=True)
class Page:
    """One GET a client sends to a served app: the port, the path and the request's headers."""

    port: int
    path: str
    headers: dict[str, str] = field(default_factory=dict)

    def request(self) -> bytes:
        """The request as sent on the wire, over a connection the server closes after it."""
        headers = {"Host": "127.0.0.1", **self.headers, "Connection": "close"}
        lines = [f"GET {self.path} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class ServedApp(BaseApplication):
    """gunicorn's arbiter on an app object built in this process, with the given settings."""

    def __init__(self, app: WsgiApp, settings: dict[str, Any]):
        self.app = app
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.settings.items():
            self.cfg.set(name, value)

    def load(self) -> WsgiApp:
        return self.app


def call(app: WsgiApp, environ: dict[str, Any]) -> tuple[str, bytes]:
    """One request through the WSGI callable, in this process: the status and the body."""
    status: list[str] = []
    body = app(environ.copy(), lambda s, headers, exc_info=None: status.append(s))
    try:
        data = b"".join(body)
    finally:
        if hasattr(body, "close"):
            body.close()
    return status[0], data


def call_repeatedly(app: WsgiApp, environ: dict[str, Any], iterations: int) -> None:
    """Call the WSGI callable `iterations` times, reading and closing each body."""
    for _ in range(iterations):
        body = app(environ.copy(), _ignore_start)
        for _chunk in body:
            pass
        if hasattr(body, "close"):
            body.close()


def _ignore_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
    return None


def add_http_options(parser: argparse.ArgumentParser) -> None:
    """The options of a bench's served measure: its size, its clients, or leaving it out."""
    parser.add_argument("--http-requests", type=int, default=400, help="HTTP requests per run")
    parser.add_argument("--clients", type=int, default=2, help="client processes over HTTP")
    parser.add_argument(
        "--in-process-only", action="store_true", help="no gunicorn: only the WSGI calls"
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(apps: dict[str, WsgiApp], workers: int = 1) -> Iterator[dict[str, int]]:
    """Each app under its own gunicorn, side by side; yields each app's port by name.

    Every server is ready before the block starts, and all are stopped when it ends.
    """
    with ExitStack() as servers:
        yield {name: servers.enter_context(served_one(app, workers)) for name, app in apps.items()}


@contextmanager
def served_one(app: WsgiApp, workers: int) -> Iterator[int]:
    """`app` under gunicorn with sync workers on a free 127.0.0.1 port; yields the port."""
    port = free_port()
    ready = FORK.Event()
    settings = {
        "bind": f"127.0.0.1:{port}",
        "workers": workers,
        "worker_class": "sync",
        "loglevel": "warning",
        "control_socket_disable": True,  # one shared socket path for every arbiter otherwise
        "post_worker_init": lambda worker: ready.set(),
    }
    server = FORK.Process(
        target=run_server, args=(ServedApp(app, settings), os.getpid()), daemon=True
    )
    server.start()
    try:
        wait_until_ready(server, ready, port)
        yield port
    finally:
        stop(server)


def run_server(server: ServedApp, bench_pid: int) -> None:
    """The server process: gunicorn's arbiter, sent SIGTERM if the bench process dies.

    The bench stops its servers on its way out, but a bench killed outright (SIGKILL, or
    SIGTERM, which runs no `finally`) cannot, and its servers would go on listening.
    """
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != bench_pid:  # it died before prctl took effect
        return
    server.run()


def wait_until_ready(server: BaseProcess, ready: Event, port: int) -> None:
    """Return once a worker of the server has loaded the app (the arbiter has bound the port).

    A server that cannot bind its port (taken since `free_port` chose it) exits instead.
    """
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while not ready.wait(0.05):
        if not server.is_alive():
            raise SystemExit(f"gunicorn on port {port} exited with {server.exitcode}")
        if time.monotonic() > deadline:
            raise SystemExit(f"gunicorn on port {port} not ready within {STARTUP_TIMEOUT:.0f}s")


def stop(server: BaseProcess) -> None:
    """SIGTERM, which stops the arbiter and its workers; SIGKILL if that takes too long."""
    server.terminate()
    server.join(STOP_TIMEOUT)
    if server.is_alive():
        server.kill()
        server.join(STOP_TIMEOUT)


def fetch(page: Page) -> tuple[int, str]:
    """One request, parsed (chunked bodies too): the status and the body as text."""
    connection = http.client.HTTPConnection("127.0.0.1", page.port, timeout=CLIENT_TIMEOUT)
    try:
        connection.request("GET", page.path, headers=page.headers)
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def client(request: bytes, port: int, count: int) -> int:
    """Send `request` `count` times over fresh connections; every answer must be 200."""
    for _ in range(count):
        with socket.create_connection(("127.0.0.1", port), timeout=CLIENT_TIMEOUT) as connection:
            connection.sendall(request)
            first = connection.recv(65536)
            while connection.recv(65536):
                pass
        if not first.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"{request.split(b' ')[1]!r} answered {first[:40]!r}")
    return count


def seconds_per_request(
    pages: dict[str, Page], requests: int, rounds: int, clients: int
) -> dict[str, float]:
    """Wall-clock seconds per request of each page over HTTP, best of `rounds`.

    In each run `clients` processes share `requests` requests, so a worker rarely waits
    for a client; a figure is the run's time divided by its requests. The pages take
    turns within each round, so a busy machine slows them alike.
    """
    share = max(1, requests // clients)
    best = dict.fromkeys(pages, math.inf)
    wire = {name: page.request() for name, page in pages.items()}
    for name, page in pages.items():
        client(wire[name], page.port, WARM_UP)
    with ProcessPoolExecutor(clients, mp_context=FORK) as pool:
        for _ in range(rounds):
            for name, page in pages.items():
                started = time.perf_counter()
                runs = [pool.submit(client, wire[name], page.port, share) for _ in range(clients)]
                done = sum(run.result(timeout=share * CLIENT_TIMEOUT) for run in runs)
                best[name] = min(best[name], (time.perf_counter() - started) / done)
    return best
