"""dashkit/cli/eject.py and dashkit/eject: an ejected app imports, serves the same tables and shows no drift."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from click.testing import CliRunner
from crawl.load_chinook import load_chinook
from crawl.tricky_schema import create_tricky_schema

from dashkit.cli import main
from dashkit.db import make_engine
from dashkit.reflect import reflect
from dashkit.reflect.admin_options import admin_options


def _dashkit(folder: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the dashkit command in a child process, as a user would, from `folder`."""
    environment = {
        **os.environ,
        "DASHKIT_DATABASE_URL": url,
        "DASHKIT_SECRET_KEY": "eject-test",
        "PYTHONPATH": str(folder),
    }
    return subprocess.run(
        [sys.executable, "-c", "from dashkit.cli import main; main()", *args],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _eject_and_check(url: str, tmp_path: Path) -> Path:
    out = tmp_path / "ejected_app"
    result = CliRunner().invoke(main, ["eject", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "dashkit db check --app 'ejected_app.app:create_app()'" in result.output
    app = "ejected_app.app:create_app()"
    for arguments in (["db", "upgrade", "--app", app], ["db", "check", "--app", app]):
        completed = _dashkit(tmp_path, url, *arguments)
        assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "models and migrations agree" in completed.stdout
    return out


SERVE_EJECTED = """
import os, re
from dashkit.auth import create_user
from dashkit.migrations import upgrade_state
from ejected_app.app import create_app

upgrade_state(os.environ["DASHKIT_DATABASE_URL"])
app = create_app()
with app.state_session() as session:
    create_user(session, "tester", "a long enough passphrase", roles=["admin"])
client = app.test_client()
page = client.get("/login").get_data(as_text=True)
token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
client.post("/login", data={"username": "tester", "password": "a long enough passphrase", "csrf_token": token})
for slug in sorted(app.extensions["admin"].model_admins):
    print(slug, client.get(f"/admin/{slug}/").status_code)
"""


def _served_slugs(tmp_path: Path, url: str) -> set[str]:
    """The slugs the ejected app serves; every list page must answer 200."""
    completed = subprocess.run(
        [sys.executable, "-c", SERVE_EJECTED],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            **os.environ,
            "DASHKIT_DATABASE_URL": url,
            "DASHKIT_SECRET_KEY": "x",
            "PYTHONPATH": str(tmp_path),
        },
    )
    assert completed.returncode == 0, completed.stderr
    pages = dict(line.split() for line in completed.stdout.splitlines())
    assert set(pages.values()) == {"200"}, pages
    return set(pages)


def _reflected_slugs(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return {options.slug for options in admin_options(reflect(engine).tables).values()}
    finally:
        engine.dispose()


def test_ejected_chinook_has_no_drift_and_serves_the_same_tables(chinook_path, tmp_path):
    url = f"sqlite:///{chinook_path}"
    out = _eject_and_check(url, tmp_path)
    assert (out / "migrations" / "versions" / "baseline.py").exists()
    assert _served_slugs(tmp_path, url) == _reflected_slugs(url)


def test_ejected_northwind_with_views_and_spaces(northwind_path, tmp_path):
    url = f"sqlite:///{northwind_path}"
    out = _eject_and_check(url, tmp_path)
    models = (out / "models.py").read_text()
    assert "class OrderDetails(Base):" in models
    assert "class OrderSubtotals(ViewBase):" in models
    assert _served_slugs(tmp_path, url) == _reflected_slugs(url)


def test_ejected_chinook_in_postgresql(postgres_url, tmp_path):
    load_chinook(postgres_url)
    out = _eject_and_check(postgres_url, tmp_path)
    assert "class PlaylistTrack(Base):" in (out / "models.py").read_text()
    assert _served_slugs(tmp_path, postgres_url) == _reflected_slugs(postgres_url)


def test_ejected_tricky_schema_on_each_dialect(database_url, tmp_path):
    engine = make_engine(database_url)
    create_tricky_schema(engine)
    engine.dispose()
    _eject_and_check(database_url, tmp_path)
    assert _served_slugs(tmp_path, database_url) == _reflected_slugs(database_url)


def test_baseline_creates_the_schema_in_an_empty_database(chinook_path, tmp_path):
    url = f"sqlite:///{chinook_path}"
    result = CliRunner().invoke(main, ["eject", url, "--out", str(tmp_path / "ejected_app")])
    assert result.exit_code == 0, result.output
    empty = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    completed = _dashkit(tmp_path, empty, "db", "upgrade", "--app", "ejected_app.app:create_app()")
    assert completed.returncode == 0, completed.stderr
    engine = make_engine(empty)
    try:
        assert len(reflect(engine).tables) == 11
    finally:
        engine.dispose()
    downgrade = _dashkit(
        tmp_path, empty, "db", "downgrade", "base", "--app", "ejected_app.app:create_app()"
    )
    assert downgrade.returncode != 0
    assert "existed before dashkit" in downgrade.stdout + downgrade.stderr


def test_refuses_a_folder_that_is_not_empty_or_not_a_package_name(chinook_path, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "file.txt").write_text("mine")
    runner = CliRunner()
    result = runner.invoke(main, ["eject", str(chinook_path), "--out", str(tmp_path / "taken")])
    assert result.exit_code == 1 and "not empty" in result.output
    result = runner.invoke(main, ["eject", str(chinook_path), "--out", str(tmp_path / "my-app")])
    assert result.exit_code == 1 and "package name" in result.output
    assert (tmp_path / "taken" / "file.txt").read_text() == "mine"


def test_password_is_not_written_into_the_package(postgres_url, tmp_path):
    url = postgres_url.replace("postgres@", "postgres:pw-secret-1@")
    engine = make_engine(postgres_url)
    create_tricky_schema(engine)
    engine.dispose()
    result = CliRunner().invoke(main, ["eject", url, "--out", str(tmp_path / "ejected_app")])
    assert result.exit_code == 0, result.output
    assert "pw-secret-1" not in result.output
    for path in (tmp_path / "ejected_app").rglob("*.py"):
        assert "pw-secret-1" not in path.read_text()


def test_baseline_of_the_tricky_schema_builds_an_empty_database(database_url, request, tmp_path):
    dialect = sa.make_url(database_url).get_backend_name()
    source = {
        "sqlite": lambda: f"sqlite:///{tmp_path / 'source.sqlite'}",
        "postgresql": lambda: request.getfixturevalue("postgres_url"),
        "mysql": lambda: request.getfixturevalue("mariadb_url"),
    }[dialect]()
    engine = make_engine(source)
    create_tricky_schema(engine)
    engine.dispose()
    result = CliRunner().invoke(main, ["eject", source, "--out", str(tmp_path / "ejected_app")])
    assert result.exit_code == 0, result.output
    app = "ejected_app.app:create_app()"
    for arguments in (["db", "upgrade", "--app", app], ["db", "check", "--app", app]):
        completed = _dashkit(tmp_path, database_url, *arguments)  # the empty database
        assert completed.returncode == 0, completed.stdout + completed.stderr
    engine = make_engine(database_url)
    try:
        created = {table.table.key for table in reflect(engine).tables}
    finally:
        engine.dispose()
    assert created == {
        "Customers",
        "order",
        "Bücher",
        "order line",
        "Staff",
        "event log",
        "dialect types",
    }
