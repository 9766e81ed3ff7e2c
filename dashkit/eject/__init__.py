"""`dashkit eject`: turn a reflected database into the code of an app the user owns.

Writes a package with declarative models, an app factory registering them with the
admin, and an Alembic baseline revision matching the live schema.
"""

from __future__ import annotations

from pathlib import Path

from dashkit.eject.baseline import BASELINE_REVISION, render_baseline
from dashkit.eject.factory import render_factory
from dashkit.eject.models import model_sources, render_models
from dashkit.errors import ConfigError
from dashkit.migrations import ensure_migrations_folder
from dashkit.reflect import ReflectedDatabase
from dashkit.reflect.admin_options import admin_options


def eject(database: ReflectedDatabase, out: Path, origin: str) -> list[Path]:
    """Write the package `out` (its folder name is the package name); return the files written.

    `origin` names the database in docstrings; it must not contain a password.
    """
    out = Path(out)
    package = out.name
    if not package.isidentifier():
        raise ConfigError(f"{package!r} cannot be a Python package name: use letters, digits and _")
    if out.exists() and any(out.iterdir()):
        raise ConfigError(f"{out} already exists and is not empty: choose a new folder")
    sources = model_sources(database)
    options = admin_options(database.tables)
    tables = [table.table for table in database.tables if not table.is_view]
    files = {
        out / "__init__.py": f'"""The {package} app, ejected from {origin} by dashkit."""\n',
        out / "models.py": render_models(database, sources, origin),
        out / "app.py": render_factory(package, sources, options, origin),
        out / "migrations" / "versions" / f"{BASELINE_REVISION}.py": render_baseline(
            tables, database.schema.dialect, origin
        ),
    }
    out.mkdir(parents=True, exist_ok=True)
    ensure_migrations_folder(out / "migrations")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)


__all__ = ["eject"]
