"""The `dashkit` command: one click group, each subject's commands in its own module."""

from __future__ import annotations

import click

import dashkit
from dashkit.cli import core, db, eject, init, inspection, serve, users


@click.group()
@click.version_option(dashkit.__version__, prog_name="dashkit")
def main() -> None:
    """dashkit: admin dashboards and internal tools on Werkzeug and Jinja2."""


main.add_command(core.routes)
main.add_command(core.run)
main.add_command(db.db)
main.add_command(eject.eject)
main.add_command(init.init)
main.add_command(inspection.inspect)
main.add_command(serve.serve)
main.add_command(serve.demo)
main.add_command(users.users)
