"""`dashkit db ...` on the state tables and on an app's own models, on real databases."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from click.testing import CliRunner

from dashkit.cli import main
from dashkit.db import make_engine
from dashkit.migrations import alembic_config, state_target
from dashkit.state import STATE_VERSION_TABLE

SHOP_MODELS = """
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from dashkit import App
from dashkit.db import init_db


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    {extra_column}


def create_app(config=None):
    app = App(__name__, {{"SECRET_KEY": "test", **(config or {{}})}})
    init_db(app, metadata=Base.metadata)
    return app
"""


def test_state_commands_round_trip(database_url: str, table_names) -> None:
    runner = CliRunner()
    upgraded = runner.invoke(main, ["db", "upgrade", "--url", database_url])
    assert upgraded.exit_code == 0, upgraded.output
    assert "Running upgrade" in upgraded.output and "(head)" in upgraded.output
    assert runner.invoke(main, ["db", "check", "--url", database_url]).exit_code == 0
    assert "(head)" in runner.invoke(main, ["db", "current", "--url", database_url]).output
    assert (
        "dashkit state tables"
        in runner.invoke(main, ["db", "history", "--url", database_url]).output
    )
    downgraded = runner.invoke(main, ["db", "downgrade", "base", "--url", database_url])
    assert downgraded.exit_code == 0, downgraded.output
    assert table_names(database_url) == {STATE_VERSION_TABLE}
    assert runner.invoke(main, ["db", "upgrade", "--url", database_url]).exit_code == 0
    assert "dashkit_users" in table_names(database_url)


def test_without_a_database_the_command_says_what_to_pass(monkeypatch) -> None:
    monkeypatch.delenv("DASHKIT_STATE_URL", raising=False)
    result = CliRunner().invoke(main, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "--app" in result.output and "DASHKIT_STATE_URL" in result.output


def test_an_unreachable_database_is_one_line_with_the_password_masked() -> None:
    result = CliRunner().invoke(
        main, ["db", "current", "--url", "postgresql://u:pw1234@127.0.0.1:1/x"]
    )
    assert result.exit_code == 1
    assert "postgresql+psycopg://u:***@127.0.0.1:1/x" in result.output
    assert "pw1234" not in result.output and "Traceback" not in result.output


def test_app_models_get_their_own_revisions(
    database_url: str, app_module, tmp_path: Path, monkeypatch, table_names
) -> None:
    monkeypatch.setenv("DASHKIT_DATABASE_URL", database_url)
    runner = CliRunner()
    app = f"{app_module(SHOP_MODELS.format(extra_column=''))}:create_app()"

    def db(*args: str, app: str = app):
        return runner.invoke(main, ["db", *args, "--app", app])

    written = db("revision", "--autogenerate", "-m", "create products")
    assert written.exit_code == 0, written.output
    revisions = list((tmp_path / "migrations" / "versions").glob("*create_products.py"))
    assert len(revisions) == 1 and "create_table('products'" in revisions[0].read_text()

    upgraded = db("upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert table_names(database_url) == {"products", "alembic_version"}
    state = db("upgrade", "--state")
    assert state.exit_code == 0, state.output
    assert {"dashkit_users", STATE_VERSION_TABLE} < table_names(database_url)
    assert db("check").exit_code == 0  # each side ignores the other's tables
    assert db("check", "--state").exit_code == 0

    price = "price: Mapped[int] = mapped_column(default=0)"
    changed = db("check", app=f"{app_module(SHOP_MODELS.format(extra_column=price))}:create_app()")
    assert changed.exit_code == 1
    assert "price" in changed.output and "differ" in changed.output

    downgraded = db("downgrade", "base")
    assert downgraded.exit_code == 0, downgraded.output
    assert "products" not in table_names(database_url)
    assert "dashkit_users" in table_names(
        database_url
    )  # the app's downgrade leaves dashkit's tables


def test_concurrent_upgrades_migrate_once(postgres_url: str, tmp_path: Path) -> None:
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from dashkit.cli import main; main()",
                "db",
                "upgrade",
                "--url",
                postgres_url,
            ],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0, 0], outputs
    assert sum(output.count("Running upgrade  -> 0001") for output in outputs) == 1
    engine = make_engine(postgres_url)
    try:
        with engine.connect() as connection:
            versions = connection.exec_driver_sql(
                f"SELECT version_num FROM {STATE_VERSION_TABLE}"
            ).all()
    finally:
        engine.dispose()
    head = ScriptDirectory.from_config(
        alembic_config(state_target(postgres_url))
    ).get_current_head()
    assert versions == [(head,)]
