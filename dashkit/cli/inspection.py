"""`dashkit inspect URL`: what `dashkit serve URL` would serve, without serving it."""

from __future__ import annotations

import click
import sqlalchemy as sa

from dashkit.cli.selection import (
    connect,
    database_url_options,
    selection_from,
    selection_options,
)
from dashkit.db import mask_url
from dashkit.reflect import ReflectedDatabase, ReflectedTable, describe_type, reflect


@click.command()
@database_url_options
@selection_options
def inspect(
    database_url: str, schemas: tuple[str, ...], include: tuple[str, ...], exclude: tuple[str, ...]
) -> None:
    """Print the tables, keys, relationships and read-only parts of DATABASE_URL."""
    engine = connect(database_url)
    try:
        database = reflect(engine, selection_from(schemas, include, exclude))
    finally:
        engine.dispose()
    click.echo(mask_url(engine.url))
    for line in describe_database(database):
        click.echo(line)


def describe_database(database: ReflectedDatabase) -> list[str]:
    """The report as lines of text: a summary, then one block per table."""
    views = sum(1 for table in database.tables if table.is_view)
    lines = [f"{len(database.tables) - views} tables and {views} views would be served"]
    read_only = [table for table in database.tables if table.read_only_reason]
    if read_only:
        lines.append(f"{len(read_only)} read-only: {', '.join(t.table.key for t in read_only)}")
    for skipped in database.skipped:
        lines.append(f"not served: {skipped.summary}")
    read_only_columns = [
        f"{table.table.key}.{name}" for table in database.tables for name in table.column_reasons
    ]
    if read_only_columns:
        lines.append(
            f"read-only columns (types the admin cannot edit): {', '.join(read_only_columns)}"
        )
    dialect = database.schema.dialect
    for table in database.tables:
        lines.append("")
        lines.extend(_describe_table(table, dialect))
    return lines


def _describe_table(table: ReflectedTable, dialect: sa.Dialect) -> list[str]:
    kind = "view" if table.is_view else "table"
    lines = [f"{table.table.key} ({kind}, class {table.model.__name__})"]
    key_names = ", ".join(column.name for column in table.identity)
    if table.read_only_reason:
        lines.append(f"  read-only: {table.read_only_reason}")
        lines.append(f"  rows identified by: {key_names}")
    else:
        lines.append(f"  primary key: {key_names}")
    for column in table.table.columns:
        flags = [describe_type(column.type, dialect)]
        if not column.nullable:
            flags.append("not null")
        reason = table.column_reasons.get(column.name)
        if reason:
            flags.append(f"read-only: {reason}")
        lines.append(f"  - {column.name}: {', '.join(flags)}")
    for plan in table.relationships:
        columns = ", ".join(referring.name for referring, _ in plan.join_pairs())
        if plan.many_to_one:
            lines.append(f"  → {plan.name}: {plan.target.key} (by {columns})")
        else:
            lines.append(f"  ← {plan.name}: rows of {plan.target.key} (by {columns})")
    return lines
