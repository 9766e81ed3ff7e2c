"""Turn an existing database into mapped classes the admin can serve, with no code.

`reflect(engine)` reads every table and view, maps each to a class with relationships
both ways, and says which tables and columns are read-only and why.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from dashkit.reflect.mapping import ReflectedRow, ReflectedTable, map_schema
from dashkit.reflect.probe import probe_tables
from dashkit.reflect.relationships import RelationshipPlan
from dashkit.reflect.schema import (
    ReflectedSchema,
    Selection,
    SkippedTable,
    reflect_schema,
    schema_fingerprint,
)
from dashkit.reflect.types import column_read_only_reason, describe_type


@dataclass
class ReflectedDatabase:
    """Everything `dashkit serve` needs to know about a database it did not create."""

    schema: ReflectedSchema
    tables: list[ReflectedTable]
    skipped: list[SkippedTable]
    """Tables and views not served, by key, each with the reason (the database's message
    when the database refused to describe or query it)."""

    def table(self, key: str) -> ReflectedTable:
        """The served table with this key (`name`, or `schema.name` outside the default schema)."""
        for reflected in self.tables:
            if reflected.table.key == key:
                return reflected
        raise KeyError(key)

    def leaving_out(self, skipped: list[SkippedTable]) -> ReflectedDatabase:
        """A copy without the `skipped` tables, which join the list of those not served."""
        if not skipped:
            return self
        left_out = {table.key for table in skipped}
        return ReflectedDatabase(
            self.schema,
            [table for table in self.tables if table.table.key not in left_out],
            sorted([*self.skipped, *skipped], key=lambda table: table.key),
        )


def reflect(
    engine: sa.Engine, selection: Selection | None = None, cache_dir: Path | None = None
) -> ReflectedDatabase:
    """Reflect, try and map the selected tables of the database behind `engine`.

    A table or view the database cannot describe or query is left out and listed in
    `skipped`; only a database that cannot be opened at all makes this fail.
    """
    with collector_paused():
        schema = reflect_schema(engine, selection or Selection(), cache_dir)
        failing = probe_tables(engine, schema)  # every time: a cached schema may have broken
        tables, unmappable = map_schema(schema, {skipped.key for skipped in failing})
    skipped = sorted([*schema.unreadable, *failing, *unmappable], key=lambda s: s.key)
    return ReflectedDatabase(schema, tables, skipped)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector. Reflecting, mapping and registering hundreds of
    tables allocates millions of long-lived objects, which it would rescan again and again
    (40% of the time); nested pauses leave it off until the outermost one ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


__all__ = [
    "ReflectedDatabase",
    "ReflectedRow",
    "ReflectedSchema",
    "ReflectedTable",
    "RelationshipPlan",
    "Selection",
    "SkippedTable",
    "collector_paused",
    "column_read_only_reason",
    "describe_type",
    "reflect",
    "reflect_schema",
    "schema_fingerprint",
]
