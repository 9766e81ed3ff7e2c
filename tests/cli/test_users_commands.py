"""`dashkit users ...` on a state database given by --state URL or --app."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from dashkit.auth.passwords import PasswordHasher
from dashkit.cli import main
from dashkit.migrations import upgrade_state
from dashkit.state import User


def _run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["users", *args], input=input)


def _users(url: str) -> dict[str, User]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.select(User.__table__)).all()
        return {row.username: row for row in rows}
    finally:
        engine.dispose()


def test_create_list_set_role_disable_enable(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    upgrade_state(url)
    empty = _run("list", "--state", url)
    assert empty.exit_code == 0 and "dashkit users create NAME --role admin" in empty.output
    created = _run(
        "create",
        "Root",
        "--role",
        "admin",
        "--password-stdin",
        "--state",
        url,
        input="a long root password\n",
    )
    assert created.exit_code == 0, created.output
    assert "created user root with roles admin" in created.output
    stored = _users(url)["root"]
    assert "a long root password" not in stored.password_hash
    assert PasswordHasher().verify("a long root password", stored.password_hash)
    assert _run("set-role", "root", "admin", "editor", "--state", url).exit_code == 0
    listing = _run("list", "--state", url)
    assert (
        "root" in listing.output and "admin,editor" in listing.output and "active" in listing.output
    )
    disabled = _run("disable", "root", "--state", url)
    assert disabled.exit_code == 0 and "disabled root" in disabled.output
    assert not _users(url)["root"].is_active
    assert "disabled" in _run("list", "--state", url).output
    enabled = _run("enable", "ROOT", "--state", url)
    assert enabled.exit_code == 0 and "enabled root" in enabled.output
    assert _users(url)["root"].is_active


def test_password_prompt_policy_and_errors(tmp_path):
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    upgrade_state(url)
    prompted = _run(
        "create",
        "ann",
        "--role",
        "viewer",
        "--state",
        url,
        input="ann's long secret\nann's long secret\n",
    )
    assert prompted.exit_code == 0, prompted.output
    short = _run("set-password", "ann", "--password-stdin", "--state", url, input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    unknown_role = _run(
        "create", "bob", "--role", "wizard", "--password-stdin", "--state", url, input="x" * 12
    )
    assert unknown_role.exit_code == 1 and "unknown role wizard" in unknown_role.output
    missing = _run("disable", "nobody", "--state", url)
    assert missing.exit_code == 1 and "no user named 'nobody'" in missing.output
    assert _run("list").exit_code == 2  # no database named at all


def test_app_option_uses_the_apps_state_database_and_roles(tmp_path, app_module):
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"  # new: the command creates its tables
    module = app_module(f"""
        from dashkit import App
        from dashkit.auth import init_auth
        from dashkit.db import init_db

        def create_app():
            app = App(__name__, {{"SECRET_KEY": "k", "ROLES": {{"refunder": ["order.refund"]}},
                                  "PASSWORD_SCRYPT_N": 1024}})
            init_db(app, {url!r})
            init_auth(app)
            return app
    """)
    result = _run(
        "create",
        "rita",
        "--role",
        "refunder",
        "--password-stdin",
        "--app",
        f"{module}:create_app()",
        input="rita's long secret\n",
    )
    assert result.exit_code == 0, result.output
    assert _users(url)["rita"].password_hash.startswith("scrypt$n=1024,")


def test_create_on_a_new_state_database_creates_the_state_tables_first(database_url):
    created = _run(
        "create",
        "root",
        "--role",
        "admin",
        "--password-stdin",
        "--state",
        database_url,
        input="a long root password\n",
    )
    assert created.exit_code == 0, created.output
    assert set(_users(database_url)) == {"root"}
    assert "root" in _run("list", "--state", database_url).output


@pytest.mark.parametrize("server", ["postgresql", "mariadb"])
def test_commands_started_together_on_a_new_database_take_turns_migrating(server, request):
    url = request.getfixturevalue("postgres_url" if server == "postgresql" else "mariadb_url")
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from dashkit.cli import main; main()",
                "users",
                "create",
                name,
                "--role",
                "viewer",
                "--password-stdin",
                "--state",
                url,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in ("ann", "bob", "cid")
    ]
    outputs = [
        process.communicate("a long enough secret\n", timeout=120)[0] for process in processes
    ]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    assert set(_users(url)) == {"ann", "bob", "cid"}
