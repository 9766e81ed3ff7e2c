"""Map reflected tables to classes, with relationships and a row identity for every table."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import orm

from dashkit.reflect.naming import class_name, unique_name
from dashkit.reflect.relationships import RelationshipPlan, plan_relationships
from dashkit.reflect.schema import ReflectedSchema, SkippedTable
from dashkit.reflect.types import column_read_only_reason

# Values of these types are unhashable in Python, so they cannot identify a row.
_UNHASHABLE = (sa.JSON, sa.ARRAY)
# Values of these types compare equal exactly when they look equal, so they can stand in for a key.
_EXACT = (sa.Integer, sa.String, sa.Date, sa.Boolean, sa.Uuid)


class ReflectedRow:
    """Base of every class mapped from a reflected table."""

    def __repr__(self) -> str:
        state = sa.inspect(self)
        return f"<{type(self).__name__} {state.identity!r}>"


@dataclass
class ReflectedTable:
    """A served table or view: its mapped class and what the admin may change in it."""

    table: sa.Table
    model: type
    is_view: bool
    read_only_reason: str | None
    column_reasons: dict[str, str] = field(default_factory=dict)
    relationships: list[RelationshipPlan] = field(default_factory=list)

    @property
    def identity(self) -> list[sa.Column]:
        """The columns that identify a row (the primary key, or a stand-in for one)."""
        return list(sa.inspect(self.model).primary_key)


def map_schema(
    reflected: ReflectedSchema, unusable: Collection[str] = ()
) -> tuple[list[ReflectedTable], list[SkippedTable]]:
    """Map every served table, except the `unusable` keys, to a fresh class in a private
    registry; the tables no column can identify a row of are skipped."""
    registry = orm.registry(metadata=reflected.metadata)
    dialect = reflected.dialect
    skipped: list[SkippedTable] = []
    identities: dict[str, list[sa.Column]] = {}
    primary_keys = [
        tuple(table.primary_key.columns.keys())
        for table in reflected.tables
        if table.primary_key.columns
    ]
    for table in reflected.tables:
        if table.key in unusable:
            continue
        identity = _identity_columns(table, primary_keys)
        if identity:
            identities[table.key] = identity
        else:
            skipped.append(
                SkippedTable(
                    table.key,
                    table.key in reflected.views,
                    "no column can identify a row (no primary key, "
                    "and every column holds JSON or arrays)",
                )
            )
    tables = [table for table in reflected.tables if table.key in identities]
    plans = plan_relationships(tables)
    classes = _classes(tables)
    mapped = []
    for table in tables:
        registry.map_imperatively(
            classes[table.key],
            table,
            primary_key=identities[table.key],
            properties={plan.name: _relationship(plan, classes) for plan in plans[table.key]},
        )
        mapped.append(
            ReflectedTable(
                table=table,
                model=classes[table.key],
                is_view=table.key in reflected.views,
                read_only_reason=_table_read_only_reason(table, table.key in reflected.views),
                column_reasons={
                    column.name: reason
                    for column in table.columns
                    if (reason := column_read_only_reason(column, dialect)) is not None
                },
                relationships=plans[table.key],
            )
        )
    registry.configure()
    return mapped, skipped


def _classes(tables: list[sa.Table]) -> dict[str, type]:
    taken: set[str] = set()
    classes = {}
    for table in tables:
        candidates = [class_name(table.name)]
        if table.schema:
            candidates.append(class_name(f"{table.schema}_{table.name}"))
        name = unique_name(candidates, taken)
        classes[table.key] = type(name, (ReflectedRow,), {"__doc__": f"A row of {table.key}."})
    return classes


def _relationship(plan: RelationshipPlan, classes: dict[str, type]) -> orm.Relationship:
    pairs = plan.join_pairs()
    join = sa.and_(*(referring == referred for referring, referred in pairs))
    referring = [column for column, _ in pairs]
    referred = [column for _, column in pairs]
    return orm.relationship(
        classes[plan.target.key],
        primaryjoin=join,
        foreign_keys=referring,
        remote_side=referred if plan.many_to_one else referring,
        uselist=not plan.many_to_one,
        viewonly=True,  # the admin writes foreign key columns; relationships only read
        lazy="select",
    )


def _identity_columns(table: sa.Table, primary_keys: list[tuple[str, ...]]) -> list[sa.Column]:
    """The primary key, or the best stand-in for one (a view or a table without a key).

    In order: a unique constraint on NOT NULL columns; the primary key of a served table
    whose columns all appear here by name (a view over it); the columns whose values
    compare exactly (no floats, timestamps or unknown types); any hashable columns.
    """
    if table.primary_key.columns:
        return list(table.primary_key.columns)
    for constraint in sorted(
        (c for c in table.constraints if isinstance(c, sa.UniqueConstraint)),
        key=lambda c: len(c.columns),
    ):
        if constraint.columns and not any(column.nullable for column in constraint.columns):
            return list(constraint.columns)
    names = list(table.columns.keys())
    borrowed = [key for key in primary_keys if set(key) <= set(names)]
    if borrowed:
        best = max(borrowed, key=lambda key: (len(key), -min(names.index(name) for name in key)))
        return [table.columns[name] for name in best]
    exact = [column for column in table.columns if isinstance(column.type, _EXACT)]
    if exact:
        return exact
    usable = [column for column in table.columns if not isinstance(column.type, _UNHASHABLE)]
    # Columns of a declared type first: the first identity column is the default sort.
    return sorted(usable, key=lambda column: isinstance(column.type, sa.types.NullType))


def _table_read_only_reason(table: sa.Table, is_view: bool) -> str | None:
    if is_view:
        return "this is a database view, so its rows are read-only"
    if not table.primary_key.columns:
        return "this table has no primary key, so a row cannot be safely identified for editing"
    return None
