"""Command-line options shared by the commands that reflect a database: which database
(an argument, a file or DASHKIT_DATABASE_URL, so a password need not be in the process
list) and which tables to read."""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa

from dashkit.db import make_engine, mask_url, normalise_url
from dashkit.db.urls import mask_secrets, url_secrets
from dashkit.errors import ConfigError
from dashkit.reflect import Selection

URL_VARIABLE = "DASHKIT_DATABASE_URL"


def database_url_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add an optional DATABASE_URL argument and --url-file; the command receives
    `database_url` from the argument, else the file, else DASHKIT_DATABASE_URL."""

    @click.argument("given_url", metavar="[DATABASE_URL]", required=False)
    @click.option(
        "--url-file",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=f"Read the database URL from this file (or set {URL_VARIABLE}): a password "
        "given as an argument is visible to every local user in the process list.",
    )
    @wraps(command)
    def with_database_url(given_url: str | None, url_file: Path | None, **kwargs: Any) -> Any:
        return command(database_url=database_url_from(given_url, url_file), **kwargs)

    return with_database_url


def database_url_from(given_url: str | None, url_file: Path | None) -> str:
    """The URL to use: the argument (warning when it holds a password), the file, the variable."""
    if given_url and url_file:
        raise click.UsageError("give either DATABASE_URL or --url-file, not both")
    if given_url:
        if url_secrets(given_url):
            click.echo(
                f"warning: the password in DATABASE_URL is visible to other local users in the "
                f"process list; set {URL_VARIABLE} or use --url-file PATH instead",
                err=True,
            )
        return given_url
    if url_file:
        return read_url_file(url_file)
    from_environment = os.environ.get(URL_VARIABLE, "").strip()
    if not from_environment:
        raise click.UsageError(
            f"which database? give DATABASE_URL, --url-file PATH or set {URL_VARIABLE}"
        )
    return from_environment


def read_url_file(path: Path) -> str:
    """The first line of `path` that is neither blank nor a # comment."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    raise click.UsageError(f"{path} holds no database URL")


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
        reason = mask_secrets(str(error.orig), url)
        raise click.ClickException(f"cannot connect to {mask_url(url)}: {reason}") from None
    except sa.exc.ArgumentError as error:
        reason = mask_secrets(str(error), url)
        raise click.ClickException(f"cannot use {mask_url(url)}: {reason}") from None
    return engine
