"""Alembic glue: which database and models a migration run targets, the lock, env.py's body.

Two kinds of targets share one mechanism. dashkit's own state tables are migrated by
the revisions shipped in `migrations/`, versioned in `STATE_VERSION_TABLE`; an app's own
models (`init_db(app, metadata=...)`) by the revisions in its MIGRATIONS_DIR, versioned
in Alembic's usual `alembic_version`. Each target sees only its own tables, so both can
live in one database.
"""

from __future__ import annotations

import fcntl
import logging
import logging.config
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from dashkit.db.database import get_database
from dashkit.db.engines import make_engine
from dashkit.db.urls import mask_url, normalise_url
from dashkit.errors import ConfigError
from dashkit.loading import load_app
from dashkit.resources import shipped_path
from dashkit.state import STATE_VERSION_TABLE, StateBase

if TYPE_CHECKING:
    from dashkit.app import App

logger = logging.getLogger("dashkit.migrations")

APP_VERSION_TABLE = "alembic_version"
LOCK_NAME = "dashkit_migrations"
LOCK_KEY = 0x64617368  # "dash": the PostgreSQL advisory lock key
LOCK_TIMEOUT = 600.0
"""Seconds to wait for another process's migration before giving up."""
TARGET_ATTRIBUTE = "dashkit_target"


@dataclass(frozen=True)
class MigrationTarget:
    """A database, the models it should match, and the revisions that get it there."""

    url: sa.URL
    metadata: sa.MetaData
    script_location: Path
    version_table: str
    label: str
    is_state: bool = False

    def includes_table(self, name: str) -> bool:
        """Whether autogenerate and check look at table `name`: each target sees its own."""
        state_table = name in StateBase.metadata.tables or name == STATE_VERSION_TABLE
        return state_table == self.is_state


def state_target(url: str | sa.URL) -> MigrationTarget:
    """dashkit's own tables in the state database at `url`."""
    return MigrationTarget(
        url=normalise_url(url),
        metadata=StateBase.metadata,
        script_location=shipped_path("migrations"),
        version_table=STATE_VERSION_TABLE,
        label="dashkit state tables",
        is_state=True,
    )


def app_state_target(app: App) -> MigrationTarget:
    """dashkit's own tables in `app`'s state database."""
    return state_target(get_database(app).state.url)


def app_target(app: App) -> MigrationTarget:
    """`app`'s own models, declared with `init_db(app, metadata=Base.metadata)`."""
    database = get_database(app)
    if database.metadata is None or database.migrations_dir is None:
        raise ConfigError(
            f"app {app.import_name!r} declares no models to migrate: "
            "call init_db(app, metadata=Base.metadata)"
        )
    return MigrationTarget(
        url=database.data.url,
        metadata=database.metadata,
        script_location=database.migrations_dir,
        version_table=APP_VERSION_TABLE,
        label=f"models of {app.import_name}",
    )


def alembic_config(
    target: MigrationTarget, print_stdout: Callable[[str], None] | None = None
) -> Config:
    """An Alembic Config that runs `target` through dashkit's env.py."""
    config = Config()
    config.set_main_option("script_location", str(target.script_location))
    config.attributes[TARGET_ATTRIBUTE] = target
    if print_stdout is not None:
        config.print_stdout = lambda text, *args: print_stdout(text % args if args else text)  # type: ignore[method-assign]
    return config


def upgrade_state(url: str | sa.URL, revision: str = "head") -> None:
    """Bring dashkit's state tables at `url` up to `revision`, as `dashkit db upgrade` does."""
    command.upgrade(alembic_config(state_target(url)), revision)


def upgrade_app(app: App, revision: str = "head") -> None:
    """Bring `app`'s own tables up to `revision`, as `dashkit db upgrade --app` does."""
    command.upgrade(alembic_config(app_target(app)), revision)


def ensure_migrations_folder(folder: Path) -> bool:
    """Create an app's migrations folder (env.py, script template, versions/); True if new."""
    if (folder / "env.py").exists():
        return False
    (folder / "versions").mkdir(parents=True, exist_ok=True)
    shipped = shipped_path("migrations")
    for name in ("env.py", "script.py.mako"):
        shutil.copyfile(shipped / name, folder / name)
    return True


# -- env.py ---------------------------------------------------------------------------------


def run_env() -> None:
    """The body of every dashkit env.py: migrate the target online, under the migration lock."""
    from alembic import context

    target = _target_from(context.config)
    options: dict[str, Any] = {
        "target_metadata": target.metadata,
        "version_table": target.version_table,
        "include_name": _include_name(target),
        "compare_type": True,
        "render_as_batch": target.url.get_backend_name() == "sqlite",
    }
    if context.is_offline_mode():
        context.configure(url=target.url, literal_binds=True, **options)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(target.url, statement_timeout=False)
    try:
        with engine.connect() as connection, migration_lock(connection):
            context.configure(connection=connection, **options)
            with context.begin_transaction():
                context.run_migrations()
            if connection.in_transaction():
                connection.commit()
    finally:
        engine.dispose()


def _include_name(target: MigrationTarget) -> Callable[..., bool]:
    def include_name(name: str | None, kind: str, parent_names: Any) -> bool:
        return kind != "table" or name is None or target.includes_table(name)

    return include_name


def _target_from(config: Config) -> MigrationTarget:
    """The target a Config names: set by dashkit's CLI, or an app (ini `dashkit_app` or
    DASHKIT_APP), or DASHKIT_STATE_URL for the state tables alone."""
    target = config.attributes.get(TARGET_ATTRIBUTE)
    if target is not None:
        return target
    if config.config_file_name and config.file_config.has_section("loggers"):
        logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

    spec = config.get_main_option("dashkit_app") or os.environ.get("DASHKIT_APP")
    script_location = Path(config.get_main_option("script_location") or ".").resolve()
    is_state = script_location == shipped_path("migrations").resolve()
    if spec:
        app = load_app(spec)
        return app_state_target(app) if is_state else app_target(app)
    state_url = os.environ.get("DASHKIT_STATE_URL")
    if is_state and state_url:
        return state_target(state_url)
    raise ConfigError(
        "no database to migrate: set DASHKIT_APP='module:create_app()' (or dashkit_app in "
        "alembic.ini), or DASHKIT_STATE_URL for dashkit's state tables"
    )


# -- the migration lock ----------------------------------------------------------------------


@contextmanager
def migration_lock(connection: sa.Connection, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold a database-wide lock so that concurrent `upgrade` runs take turns.

    PostgreSQL: an advisory lock; MySQL/MariaDB: GET_LOCK; SQLite: a lock file beside the
    database (an in-memory database belongs to one process and needs none).
    """
    backend = connection.dialect.name
    database = connection.engine.url.database
    if backend == "sqlite":
        if database in (None, "", ":memory:"):
            yield
        else:
            with _file_lock(Path(f"{database}.migration-lock"), timeout):
                yield
        return
    if backend == "postgresql":
        acquire_sql = f"SELECT pg_try_advisory_lock({LOCK_KEY})"
        release_sql = f"SELECT pg_advisory_unlock({LOCK_KEY})"
    elif backend in ("mysql", "mariadb"):
        name = f"{LOCK_NAME}.{database}"[:64]  # MySQL locks are server-wide: name the database
        acquire_sql = f"SELECT GET_LOCK('{name}', 1)"
        release_sql = f"SELECT RELEASE_LOCK('{name}')"
    else:
        yield
        return
    _wait_for(
        lambda: connection.exec_driver_sql(acquire_sql).scalar() == 1,
        timeout,
        mask_url(connection.engine.url),
    )
    connection.commit()  # the lock belongs to the session, not to this transaction
    try:
        yield
    finally:
        if connection.in_transaction():
            connection.rollback()
        connection.exec_driver_sql(release_sql)
        connection.commit()


def _wait_for(acquire: Callable[[], bool], timeout: float, what: str) -> None:
    """Poll `acquire` until it succeeds, saying once that another process holds the lock."""
    deadline = time.monotonic() + timeout
    announced = False
    while not acquire():
        if not announced:
            logger.warning("waiting for another process's migration of %s to finish", what)
            announced = True
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"gave up after waiting {timeout:.0f}s for the migration lock on {what}"
            )
        time.sleep(0.25)


@contextmanager
def _file_lock(path: Path, timeout: float) -> Iterator[None]:
    with open(path, "a") as handle:
        _wait_for(lambda: _try_flock(handle.fileno()), timeout, str(path))
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _try_flock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True
