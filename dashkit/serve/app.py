"""Build the App that `dashkit serve` runs: reflected models, sign-in and the admin."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from dashkit.admin import Admin
from dashkit.app import App
from dashkit.auth import init_auth
from dashkit.auth.permissions import grants
from dashkit.db import init_db, make_engine, normalise_url
from dashkit.db.urls import same_database
from dashkit.errors import ConfigError
from dashkit.http import Request, Response, redirect
from dashkit.migrations import upgrade_state
from dashkit.private_files import exposed_files, private_umask
from dashkit.reflect import ReflectedDatabase, Selection, SkippedTable, collector_paused, reflect
from dashkit.reflect.admin_options import register_reflected
from dashkit.serve import first_admin
from dashkit.serve.home import cache_dir, default_state_url, sqlite_file
from dashkit.serve.read_only import enforce_read_only
from dashkit.serve.secret_key import stored_secret_key
from dashkit.serve.stored_slugs import upgrade_stored_slugs

READ_ONLY_REASON = "dashkit serve was started with --read-only"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::")


@dataclass(frozen=True)
class ServeOptions:
    """Everything `dashkit serve` was asked for on the command line."""

    url: str
    state_url: str | None = None
    selection: Selection = field(default_factory=Selection)
    read_only: bool = False
    host: str = "127.0.0.1"
    cache: bool = True


@dataclass
class ServedApp:
    """The built app, what was reflected, and where its state lives."""

    app: App
    database: ReflectedDatabase
    data_url: sa.URL
    state_url: str
    read_only: bool
    read_only_enforced: bool
    warnings: tuple[str, ...] = ()
    """What the operator should fix, such as a state file others can read."""


def build_app(options: ServeOptions) -> ServedApp:
    """Migrate the state database, reflect the data database and wire the admin around it."""
    data_url = normalise_url(options.url)
    state_url = options.state_url or default_state_url(data_url)
    if options.read_only and same_database(normalise_url(state_url), data_url):
        raise ConfigError(
            "--read-only needs a state database of its own: drop --state or point it elsewhere"
        )
    warnings = _exposed_state_warnings(state_url)
    with private_umask():  # a new state file (and its -wal, -shm) and the key in it: 0600
        upgrade_state(state_url)
        state_engine = make_engine(state_url)
        try:
            secret_key = stored_secret_key(state_engine)
        finally:
            state_engine.dispose()
    config: dict[str, object] = {"SECRET_KEY": secret_key}
    if options.host not in LOOPBACK_HOSTS:
        config["ALLOWED_HOSTS"] = ["localhost", "127.0.0.1", "::1", options.host]
    app = App("dashkit.serve", config, template_folder=None, static_folder=None)
    database = init_db(app, data_url, state_url)
    enforced = enforce_read_only(database.engine) if options.read_only else False
    init_auth(app)
    with collector_paused():  # registering every model allocates as much as mapping them
        reflected = reflect(
            database.engine, options.selection, cache_dir() if options.cache else None
        )
        database.data.dispose()
        _keep_stored_slugs(state_url, reflected)
        admin = Admin(app, title=_title(data_url))
        unregistered = register_reflected(
            admin, reflected, read_only_reason=READ_ONLY_REASON if options.read_only else None
        )
    reflected = reflected.leaving_out(unregistered)
    app.templates.context_processors.append(_unserved_tables(reflected.skipped))
    app.register_blueprint(first_admin.blueprint)
    app.route("/")(_home)
    return ServedApp(app, reflected, data_url, state_url, options.read_only, enforced, warnings)


def _exposed_state_warnings(state_url: str) -> tuple[str, ...]:
    """A warning for each existing state file that other local users can read."""
    database = sqlite_file(state_url)
    if database is None:
        return ()
    return tuple(
        f"warning: {path} can be read by other users of this machine, and it holds password "
        f"hashes and the key that signs sessions: run chmod 600 '{path}'"
        for path in exposed_files(database)
    )


def _keep_stored_slugs(state_url: str, reflected: ReflectedDatabase) -> None:
    """Role grants, saved views and history stored under earlier, numbered slugs follow
    their tables to the stable slugs (once per state database)."""
    engine = make_engine(state_url)
    try:
        upgrade_stored_slugs(engine, [table.table.key for table in reflected.tables])
    finally:
        engine.dispose()


def _home(request: Request) -> Response:
    return redirect(request.url_for("admin.index"))


def _unserved_tables(skipped: list[SkippedTable]) -> Callable[[Request], dict[str, Any]]:
    """`unserved_tables()` for the admin index: the tables left out and why, shown to
    users granted everything (the reasons name parts of the schema others may not see)."""

    def context(request: Request) -> dict[str, Any]:
        return {"unserved_tables": lambda: skipped if grants(request.permissions, "*") else []}

    return context


def _title(url: sa.URL) -> str:
    name = Path(url.database or "").stem if url.get_backend_name() == "sqlite" else url.database
    return name or url.get_backend_name()
