"""Command-line options shared by the commands that reflect a database: which tables to read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa

from dashkit.db import make_engine, mask_url, normalise_url
from dashkit.errors import ConfigError
from dashkit.reflect import Selection


def selection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --schema, --include and --exclude to a command; it receives a `selection`."""
    options = [
        click.option(
            "--schema",
            "schemas",
            multiple=True,
            metavar="NAME",
            help="Schema to read (repeatable; default: the default schema).",
        ),
        click.option(
            "--include",
            multiple=True,
            metavar="GLOB",
            help="Serve only tables matching GLOB (repeatable, case-insensitive).",
        ),
        click.option(
            "--exclude",
            multiple=True,
            metavar="GLOB",
            help="Leave out tables matching GLOB (repeatable, case-insensitive).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def selection_from(
    schemas: tuple[str, ...], include: tuple[str, ...], exclude: tuple[str, ...]
) -> Selection:
    return Selection(schemas=tuple(schemas), include=tuple(include), exclude=tuple(exclude))


def connect(url: str) -> sa.Engine:
    """An engine for the user's URL, with a usable error instead of a traceback.

    A SQLite file must exist: a mistyped path would otherwise become a new, empty database.
    """
    try:
        parsed = normalise_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            path = Path(parsed.database.removeprefix("file:").split("?")[0])
            if not path.exists():
                raise click.ClickException(f"there is no SQLite database at {path}")
        engine = make_engine(url)
        with engine.connect():
            pass
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    except sa.exc.DBAPIError as error:
        raise click.ClickException(f"cannot connect to {mask_url(url)}: {error.orig}") from None
    except sa.exc.ArgumentError as error:
        raise click.ClickException(f"cannot use {mask_url(url)}: {error}") from None
    return engine
