"""`dashkit routes` and `dashkit run`: commands for any dashkit app."""

from __future__ import annotations

import click

from dashkit.app import App
from dashkit.errors import AppLoadError, ConfigError
from dashkit.loading import load_app


@click.command()
@click.argument("app_path", metavar="APP")
def routes(app_path: str) -> None:
    """List the URL rules of APP (module:factory() or module:app)."""
    app = _load(app_path)
    rows = [
        (rule.endpoint, ", ".join(sorted(rule.methods - {"HEAD", "OPTIONS"})), rule.rule)
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
    ]
    _print_table(("Endpoint", "Methods", "Rule"), rows)


@click.command()
@click.argument("app_path", metavar="APP")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--reload", is_flag=True, help="Restart when a source file changes.")
@click.option("--debug/--no-debug", default=None, help="Debug mode (debugger on loopback only).")
def run(app_path: str, host: str, port: int, reload: bool, debug: bool | None) -> None:
    """Serve APP with the development server."""
    app = _load(app_path)
    click.echo(f"dashkit: serving {app_path} on http://{host}:{port}/ (Ctrl+C to stop)")
    app.run(host=host, port=port, debug=debug, reload=reload)


def _load(app_path: str) -> App:
    try:
        return load_app(app_path)
    except AppLoadError as error:
        raise click.UsageError(str(error)) from None
    except ConfigError as error:
        raise click.ClickException(f"{app_path}: {error}") from None


def _print_table(headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headings, *rows)]
    for row in (headings, tuple("-" * w for w in widths), *rows):
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
