"""`dashkit init NAME`: scaffold a runnable project."""

from __future__ import annotations

from pathlib import Path

import click

from dashkit.scaffold import ScaffoldError, create_project


@click.command()
@click.argument("name")
@click.option(
    "--directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Where to create the project folder.",
)
def init(name: str, directory: Path) -> None:
    """Create the project NAME: app factory, a model, its migrations, a template, a test."""
    try:
        root = create_project(name, directory, on_file=lambda path: click.echo(f"  created {path}"))
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"\nNext, in {root}:")
    click.echo(f"  dashkit db upgrade --app '{name}:create_app()'")
    click.echo(f"  dashkit run '{name}:create_app()'")
    click.echo("  python -m pytest")
