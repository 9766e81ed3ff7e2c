"""Shared fixtures: apps, fresh databases per dialect, a live server and Chromium.

A database that cannot be reached skips its tests with the reason printed; under CI
(CI=true) that is a failure instead.
"""

from __future__ import annotations

import importlib
import shutil
import sys
import textwrap
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from machine import SHARED_DATA, unavailable
from server_databases import fresh_database
from werkzeug.serving import make_server

from dashkit import App
from dashkit.db import make_engine

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
@pytest.fixture
def app() -> App:
    return App("tests", {"SECRET_KEY": "test-secret", "DEBUG": False})


@pytest.fixture
def client(app: App):
    return app.test_client()


@pytest.fixture
def app_module(tmp_path: Path, monkeypatch):
    """Call with Python source: writes it as a uniquely named module in the current folder
    (a fresh temporary one) and returns the module name, for `module:factory()` specs."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    names: list[str] = []

    def write(source: str, name: str | None = None) -> str:
        name = name or f"app_{uuid.uuid4().hex[:10]}"
        path = tmp_path.joinpath(*name.split(".")).with_suffix(".py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
        importlib.invalidate_caches()
        names.append(name)
        return name

    yield write
    for name in names:
        top = name.partition(".")[0]
        for loaded in [m for m in sys.modules if m == top or m.startswith(top + ".")]:
            del sys.modules[loaded]


@pytest.fixture(params=["sqlite", "postgresql", "mariadb"])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh, empty database on each dialect in turn."""
    yield from fresh_database(request.param, tmp_path)


@pytest.fixture
def postgres_url(tmp_path: Path) -> Iterator[str]:
    yield from fresh_database("postgresql", tmp_path)


@pytest.fixture
def mariadb_url(tmp_path: Path) -> Iterator[str]:
    yield from fresh_database("mariadb", tmp_path)


@pytest.fixture
def table_names() -> Callable[[str], set[str]]:
    """A function giving the names of the tables in the database at a URL, read afresh."""

    def names(url: str) -> set[str]:
        engine = make_engine(url)
        try:
            return set(sa.inspect(engine).get_table_names())
        finally:
            engine.dispose()

    return names


def _sample_copy(name: str, folder: Path) -> Path:
    """A private copy of a sample database, so no test can change the shared file."""
    source = SHARED_DATA / name
    if not source.exists():
        unavailable(f"sample database {source} is missing")
    target = folder / name
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def chinook_path(tmp_path: Path) -> Path:
    """A private copy of the Chinook sample database (SQLite)."""
    return _sample_copy("chinook.sqlite", tmp_path)


@pytest.fixture
def northwind_path(tmp_path: Path) -> Path:
    """A private copy of the Northwind sample database (SQLite)."""
    return _sample_copy("northwind.sqlite", tmp_path)


class LiveServer:
    """A WSGI app served on 127.0.0.1 on a free port, in a background thread."""

    def __init__(self, wsgi_app) -> None:
        self._server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server():
    """Call with a WSGI app; the server stops at the end of the test."""
    servers: list[LiveServer] = []

    def start(wsgi_app) -> LiveServer:
        server = LiveServer(wsgi_app).__enter__()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright; never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def artifacts_dir() -> Path:
    """Where browser tests save screenshots."""
    folder = ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    return folder
