"""`dashkit eject URL --out PACKAGE`: write models, an app factory and a baseline migration."""

from __future__ import annotations

from pathlib import Path

import click

from dashkit.cli.selection import (
    connect,
    database_url_options,
    selection_from,
    selection_options,
)
from dashkit.db import mask_url
from dashkit.eject import eject as write_package
from dashkit.errors import ConfigError
from dashkit.reflect import reflect


@click.command()
@database_url_options
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path),
    metavar="PACKAGE",
    help="Folder of the new package; its name is the package name.",
)
@selection_options
def eject(
    database_url: str,
    out: Path,
    schemas: tuple[str, ...],
    include: tuple[str, ...],
    exclude: tuple[str, ...],
) -> None:
    """Write a package that serves DATABASE_URL from code you own."""
    engine = connect(database_url)
    try:
        database = reflect(engine, selection_from(schemas, include, exclude))
    finally:
        engine.dispose()
    origin = mask_url(engine.url)
    try:
        files = write_package(database, out, origin)
    except ConfigError as error:
        raise click.ClickException(str(error)) from None
    for path in files:
        click.echo(f"wrote {path}")
    app = f"{out.name}.app:create_app()"
    click.echo(
        "\nNext, from the folder that contains it:\n"
        f"  export DASHKIT_DATABASE_URL='{origin}'   # put the real password back\n"
        "  export DASHKIT_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')\n"
        f"  dashkit db upgrade --state --app '{app}'   # dashkit's own tables\n"
        f"  dashkit db upgrade --app '{app}'   # records the baseline; creates only missing tables\n"
        f"  dashkit db check --app '{app}'\n"
        f"  dashkit users create admin --role admin --app '{app}'\n"
        f"  dashkit run '{app}'"
    )
