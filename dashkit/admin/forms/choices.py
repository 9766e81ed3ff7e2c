"""Options for fields that point at other rows, loaded without ever reading a whole table.

A target table with at most `SELECT_LIMIT` rows becomes a plain select; a larger one an
autocomplete that searches `search_targets` twenty rows at a time.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from dashkit.admin.forms.fields import Field, FieldError
from dashkit.admin.forms.relations import SELECT_LIMIT, ForeignKeyField, ManyToManyField

Option = tuple[str, str]
SEARCH_LIMIT = 20

RelationField = ForeignKeyField | ManyToManyField


def row_label(obj: Any) -> str:
    """How a row names itself in a select: its `__str__`, else its first text column, else its key."""
    if type(obj).__str__ is not object.__str__:
        return str(obj)
    mapper: Mapper[Any] = sa.inspect(type(obj))
    key = ", ".join(str(value) for value in mapper.primary_key_from_instance(obj))
    for column in _text_columns(mapper)[:1]:
        text = getattr(obj, mapper.get_property_by_column(column).key)
        if text:
            return f"{text} (#{key})"
    return f"#{key}"


def _text_columns(mapper: Mapper[Any]) -> list[sa.Column[Any]]:
    return [
        column
        for column in mapper.local_table.columns
        if isinstance(column.type, sa.String)
        and not isinstance(column.type, sa.Enum)
        and not column.primary_key
    ]


def _key_column(field: RelationField) -> Any:
    return getattr(field.target, field.target_key)


SIZE_TTL = 60.0
"""Seconds a table's small-or-large verdict is reused: the widget, not the data, depends on it."""

SizeCache = dict[str, tuple[float, bool]]


def is_small(session: Session, field: RelationField, sizes: SizeCache | None = None) -> bool:
    """True when the target table has at most `SELECT_LIMIT` rows (counted with a bound).

    `sizes` (kept per app by the caller) remembers the verdict for `SIZE_TTL` seconds.
    """
    name = sa.inspect(field.target).local_table.fullname
    now = time.monotonic()
    if sizes is not None and name in sizes and now - sizes[name][0] < SIZE_TTL:
        return sizes[name][1]
    bounded = sa.select(sa.literal(1)).select_from(field.target).limit(SELECT_LIMIT + 1).subquery()
    small = session.scalar(sa.select(sa.func.count()).select_from(bounded)) <= SELECT_LIMIT
    if sizes is not None:
        sizes[name] = (now, small)
    return small


def all_options(session: Session, field: RelationField) -> list[Option]:
    """Every target row of a small table, in key order."""
    rows = session.scalars(sa.select(field.target).order_by(_key_column(field)).limit(SELECT_LIMIT))
    return [(field.key.format(getattr(row, field.target_key)), row_label(row)) for row in rows]


def chosen_options(session: Session, field: RelationField, keys: Sequence[Any]) -> list[Option]:
    """The labels of the rows currently chosen (at most a page of them)."""
    keys = [key for key in keys if key is not None][: SEARCH_LIMIT * 5]
    if not keys:
        return []
    rows = session.scalars(sa.select(field.target).where(_key_column(field).in_(keys)))
    labels = {getattr(row, field.target_key): row_label(row) for row in rows}
    return [(field.key.format(key), labels.get(key, f"#{key} (missing)")) for key in keys]


def search_targets(session: Session, field: RelationField, term: str) -> list[Option]:
    """Up to `SEARCH_LIMIT` target rows whose key equals `term` or whose text contains it."""
    mapper: Mapper[Any] = sa.inspect(field.target)
    term = term.strip()
    conditions: list[sa.ColumnElement[bool]] = []
    if term:
        try:
            conditions.append(_key_column(field) == field.key.parse(term))
        except FieldError:
            pass
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for column in _text_columns(mapper)[:3]:
            conditions.append(column.ilike(pattern, escape="\\"))
    statement = sa.select(field.target).order_by(_key_column(field)).limit(SEARCH_LIMIT)
    if conditions:
        statement = statement.where(sa.or_(*conditions))
    rows = session.scalars(statement)
    return [(field.key.format(getattr(row, field.target_key)), row_label(row)) for row in rows]


def field_options(
    session: Session, field: Field, value: Any, sizes: SizeCache | None = None
) -> tuple[str, list[Option]]:
    """(widget, options) for a relation field: a full select, or autocomplete with the chosen rows."""
    if not isinstance(field, (ForeignKeyField, ManyToManyField)):
        return field.widget, []
    chosen = value if isinstance(value, list) else [value]
    if is_small(session, field, sizes):
        widget = "select" if isinstance(field, ForeignKeyField) else "multi_select"
        return widget, all_options(session, field)
    return "autocomplete", chosen_options(session, field, chosen)
