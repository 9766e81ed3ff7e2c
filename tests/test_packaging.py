"""The wheel: it carries static/, templates/, migrations/ and alembic.ini inside dashkit/,
and a plain `pip install` of it into a fresh venv serves pages and static files."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HTMX = "vendor/htmx-2.0.11.min.js"
SERVER_START_TIMEOUT = 30.0

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]


def run(command: list[str], cwd: Path, timeout: float = 600) -> str:
    """Run a command with a clean environment; fail with its output if it fails."""
    result = subprocess.run(
        command, cwd=cwd, env=clean_environment(), capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def clean_environment() -> dict[str, str]:
    """No PYTHONPATH or DASHKIT_* settings that could hide the checkout behind the wheel."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DASHKIT_", "PYTHON", "VIRTUAL_ENV"))
    }


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)], cwd=ROOT)
    (built,) = out.glob("dashkit-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed by a plain pip install (dependencies from PyPI)."""
    folder = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", str(folder)], cwd=folder, timeout=120)
    run([str(folder / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)], cwd=folder)
    return folder


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A tiny app outside the checkout: a page that extends dashkit's base template."""
    folder = tmp_path_factory.mktemp("project")
    (folder / "templates").mkdir()
    (folder / "templates" / "page.html").write_text(
        '{% extends "dashkit/base.html" %}{% block content %}<h1>Installed {{ n }}</h1>{% endblock %}'
    )
    (folder / "wheelapp.py").write_text(textwrap.dedent("""
        from dashkit import App, render

        def create_app():
            app = App(__name__, {"SECRET_KEY": "wheel-test"})

            @app.route("/page/<int:n>")
            def page(request, n):
                return render(request, "page.html", n=n)

            return app
    """))
    return folder


def test_wheel_carries_the_shipped_folders(wheel: Path):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "dashkit/__init__.py",
        "dashkit/alembic.ini",
        "dashkit/templates/dashkit/base.html",
        "dashkit/templates/dashkit/error.html",
        "dashkit/static/css/dashkit.css",
        "dashkit/static/css/dashkit.css.br",
        "dashkit/static/css/dashkit.css.gz",
        f"dashkit/static/{HTMX}",
        "dashkit/migrations/env.py",
    ):
        assert required in names, f"{required} is missing from {wheel.name}"
    assert any(name.startswith("dashkit/migrations/versions/") for name in names)
    assert not any(name.startswith(("tests/", "bench/", "static/", "templates/")) for name in names)


def test_installed_package_is_not_the_checkout(venv: Path, project: Path):
    location = run(
        [str(venv / "bin" / "python"), "-c",
         "import dashkit, dashkit.resources as r; print(dashkit.__file__); print(r.shipped_path('static'))"],
        cwd=project,
    ).split()
    site_packages = next((venv / "lib").glob("python3*/site-packages"))
    assert location[0] == str(site_packages / "dashkit" / "__init__.py")
    assert location[1] == str(site_packages / "dashkit" / "static")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(venv: Path, project: Path) -> Iterator[str]:
    """`dashkit run` from the fresh venv, on a free port of 127.0.0.1."""
    port = free_port()
    log = project / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(venv / "bin" / "dashkit"), "run", "wheelapp:create_app()", "--port", str(port)],
            cwd=project, env=clean_environment(), stdout=output, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if process.poll() is not None:
                pytest.fail(f"dashkit run exited with {process.returncode}:\n{log.read_text()}")
            try:
                urllib.request.urlopen(url + "/page/0", timeout=5).close()
                break
            except OSError:  # refused, reset or timed out while it starts
                if time.monotonic() > deadline:
                    pytest.fail(f"dashkit run did not answer in {SERVER_START_TIMEOUT:.0f}s:\n{log.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def fetch(url: str, headers: dict[str, str] | None = None):
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as response:
        return response.status, response.headers, response.read()


def test_installed_app_serves_pages_and_static_files(server: str):
    status, headers, body = fetch(server + "/page/7")
    page = body.decode()
    assert status == 200
    assert "<h1>Installed 7</h1>" in page
    htmx_url = page.split('<script src="')[1].split('"')[0]
    assert htmx_url.startswith("/static/dashkit/vendor/htmx-2.0.11.min.")

    status, headers, body = fetch(server + htmx_url)
    assert status == 200
    assert body == (ROOT / "static" / HTMX).read_bytes()
    assert "immutable" in headers["Cache-Control"]

    status, headers, body = fetch(server + htmx_url, {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"

    with pytest.raises(urllib.error.HTTPError) as missing:
        fetch(server + "/nowhere")
    assert missing.value.code == 404
    assert "<h1>404 Not Found</h1>" in missing.value.read().decode()


def test_installed_package_runs_state_migrations(venv: Path, project: Path):
    database = project / "state.sqlite"
    run([str(venv / "bin" / "python"), "-c",
         f"from dashkit.migrations import upgrade_state; upgrade_state('sqlite:///{database}')"], cwd=project)
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "dashkit_users" in tables
