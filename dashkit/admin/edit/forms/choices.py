"""Options for fields that point at other rows, loaded without ever reading a whole table.

A target table with at most `SELECT_LIMIT` rows becomes a plain select; a larger one an
autocomplete that searches `search_targets` twenty rows at a time.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import ColumnProperty, Mapper, Session

from dashkit.admin.edit.forms.fields import Field, FieldError
from dashkit.admin.edit.forms.relations import SELECT_LIMIT, ForeignKeyField, ManyToManyField

if TYPE_CHECKING:
    from dashkit.admin.cache import AdminCache

Option = tuple[str, str]
SEARCH_LIMIT = 20

RelationField = ForeignKeyField | ManyToManyField


def row_label(obj: Any) -> str:
    """How a row names itself in a select: its `__str__`, else its first text column, else its key."""
    if _names_itself(type(obj)):
        return str(obj)
    mapper: Mapper[Any] = sa.inspect(type(obj))
    text = None
    for column in _text_columns(mapper)[:1]:
        text = getattr(obj, mapper.get_property_by_column(column).key)
    return _label(mapper.primary_key_from_instance(obj), text)


def _names_itself(model: type) -> bool:
    return model.__str__ is not object.__str__


def _label(key: Iterable[Any], text: Any) -> str:
    shown_key = ", ".join(str(value) for value in key)
    return f"{text} (#{shown_key})" if text else f"#{shown_key}"


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

Restrict = Callable[[type, sa.Select[Any]], sa.Select[Any]]


@dataclass
class Targets:
    """Where relation options come from: the session, the Admin's cache (size verdicts and
    prepared statements; none in a test), and the viewer's restriction of each target table
    (permission and row scope)."""

    session: Session
    cache: AdminCache | None = None
    restrict: Restrict | None = None
    read_with_row: dict[str, tuple[Any, list[Option]]] = dataclasses.field(default_factory=dict)
    """Chosen options already read with the row (`LabelJoin`): field name -> (key, options)."""

    def unrestricted(self, target: type, statement: sa.Select[Any]) -> bool:
        """True when this viewer's restriction leaves `statement` of `target` as it is."""
        return self.restrict is None or self.restrict(target, statement) is statement

    def select(self, field: RelationField) -> sa.Select[Any]:
        """`SELECT target` as this viewer may see it."""
        statement = sa.select(field.target)
        return self.restrict(field.target, statement) if self.restrict else statement


def is_small(targets: Targets, field: RelationField) -> bool:
    """True when the target table has at most `SELECT_LIMIT` rows (counted with a bound).

    The verdict is kept in `targets.cache`, per table, for `SIZE_TTL` seconds.
    """
    cache = targets.cache
    name = sa.inspect(field.target).local_table.fullname
    now = time.monotonic()
    kept = cache.get("table_size", name) if cache is not None else None
    if kept is not None and now - kept[0] < SIZE_TTL:
        return kept[1]
    bounded = sa.select(sa.literal(1)).select_from(field.target).limit(SELECT_LIMIT + 1).subquery()
    count = targets.session.scalar(sa.select(sa.func.count()).select_from(bounded))
    small = count is not None and count <= SELECT_LIMIT
    if cache is not None:
        cache.put("table_size", name, (now, small))
    return small


def _options(field: RelationField, rows: Iterable[Any]) -> list[Option]:
    return [(field.key.format(getattr(row, field.target_key)), row_label(row)) for row in rows]


def all_options(targets: Targets, field: RelationField) -> list[Option]:
    """Every target row of a small table the viewer may see, in key order."""
    statement = targets.select(field).order_by(_key_column(field)).limit(SELECT_LIMIT)
    return _options(field, targets.session.scalars(statement))


def chosen_options(targets: Targets, field: RelationField, keys: Sequence[Any]) -> list[Option]:
    """The labels of the rows currently chosen (at most a page of them); a row the viewer
    may not see is shown by its key alone."""
    keys = [key for key in keys if key is not None][: SEARCH_LIMIT * 5]
    if not keys:
        return []
    query = _chosen_labels(targets, field, many=len(keys) > 1)
    if targets.unrestricted(field.target, query.statement):
        found = targets.session.execute(
            query.statement, {CHOSEN: keys if len(keys) > 1 else keys[0]}
        )
        labels = {field.key.format(key): label for key, label in map(query.read, found)}
    else:
        # a scope or a missing permission narrows the rows: it gets `SELECT target` as ever
        statement = targets.select(field).where(_key_column(field).in_(keys))
        labels = dict(_options(field, targets.session.scalars(statement)))
    return [(field.key.format(key), labels.get(field.key.format(key), f"#{key}")) for key in keys]


CHOSEN = "dashkit_chosen"
"""The parameter the prepared statements of `_chosen_labels` take the chosen key(s) in."""


@dataclass(frozen=True)
class _LabelQuery:
    """A prepared query of chosen rows and how to read (target key, label) from its rows."""

    statement: sa.Select[Any]
    read: Callable[[sa.Row[Any]], tuple[Any, str]]
    by_columns: bool = True
    """False when the rows are ORM objects (their `__str__` names them)."""


def _chosen_labels(targets: Targets, field: RelationField, *, many: bool) -> _LabelQuery:
    """The chosen rows' labels, in a statement kept in `targets.cache` per relation (a new
    one costs its construction and SQLAlchemy's cache key on every form)."""
    key = (field.target, field.target_key, many)
    if targets.cache is None:
        return _label_query(*key)
    return targets.cache.get_or_build("chosen_labels", key, lambda: _label_query(*key))


def _label_query(target: type, target_key: str, many: bool) -> _LabelQuery:
    """The key and label columns of a plain table through Core, else the ORM objects,
    whose `__str__` may need any column."""
    mapper: Mapper[Any] = sa.inspect(target)
    key_column = mapper.get_property(target_key).columns[0]
    condition = (
        key_column.in_(sa.bindparam(CHOSEN, expanding=True))
        if many
        else key_column == sa.bindparam(CHOSEN)
    )
    single_table = mapper.inherits is None and mapper.persist_selectable is mapper.local_table
    if _names_itself(target) or not single_table:
        return _LabelQuery(
            sa.select(target).where(condition),
            lambda row: (getattr(row[0], target_key), row_label(row[0])),
            by_columns=False,
        )
    texts = _text_columns(mapper)[:1]
    width = len(mapper.primary_key)
    return _LabelQuery(
        sa.select(key_column, *mapper.primary_key, *texts).where(condition),
        lambda row: (row[0], _label(row[1 : 1 + width], row[1 + width] if texts else None)),
    )


def joins_label(targets: Targets, model: type, field: Field) -> bool:
    """True when a field's chosen label can be read in its row's own query (`LabelJoin`): a
    foreign key column of `model` drawn as an autocomplete, to a plain table the viewer
    sees unrestricted."""
    if not isinstance(field, ForeignKeyField) or is_small(targets, field):
        return False
    local = sa.inspect(model).attrs.get(field.name)
    if not isinstance(local, ColumnProperty) or len(local.columns) != 1:
        return False  # e.g. a Field of the ModelAdmin's own under another name
    query = _chosen_labels(targets, field, many=False)
    return query.by_columns and targets.unrestricted(field.target, query.statement)


class LabelJoin:
    """A foreign key's chosen label read with the row that holds the key: an outer join to
    an alias of the target table, and the columns `row_label` names a row by. Saves the
    form a query per such field (a round trip, on a database server)."""

    def __init__(self, model: type, field: ForeignKeyField):
        mapper: Mapper[Any] = sa.inspect(field.target)
        self.field = field
        self.table = mapper.local_table.alias()
        target_key = mapper.get_property(field.target_key).columns[0]
        local_key = sa.inspect(model).get_property(field.name).columns[0]
        self.onclause = local_key == self.table.c[target_key.key]
        named_by = [*mapper.primary_key, *_text_columns(mapper)[:1]]
        self.columns = [self.table.c[column.key] for column in named_by]
        self._width = len(mapper.primary_key)

    def read(self, value: Any, values: Sequence[Any]) -> tuple[Any, list[Option]]:
        """(key, options) as `chosen_options` gives them, from this join's columns of a row."""
        if value is None:
            return value, []
        key = values[: self._width]
        text = values[self._width] if len(values) > self._width else None
        found = any(part is not None for part in key)
        label = _label(key, text) if found else f"#{value}"
        return value, [(self.field.key.format(value), label)]


def search_targets(targets: Targets, field: RelationField, term: str) -> list[Option]:
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
    statement = targets.select(field).order_by(_key_column(field)).limit(SEARCH_LIMIT)
    if conditions:
        statement = statement.where(sa.or_(*conditions))
    return _options(field, targets.session.scalars(statement))


def field_options(targets: Targets, field: Field, value: Any) -> tuple[str, list[Option]]:
    """(widget, options) for a relation field: a full select, or autocomplete with the chosen rows."""
    if not isinstance(field, (ForeignKeyField, ManyToManyField)):
        return field.widget, []
    chosen = value if isinstance(value, list) else [value]
    if is_small(targets, field):
        widget = "select" if isinstance(field, ForeignKeyField) else "multi_select"
        options = all_options(targets, field)
        shown = {key for key, _ in options}
        missing = [key for key in chosen if key is not None and field.key.format(key) not in shown]
        return widget, options + chosen_options(targets, field, missing)
    read = targets.read_with_row.get(field.name)
    if read is not None and read[0] == value:
        return "autocomplete", read[1]
    return "autocomplete", chosen_options(targets, field, chosen)
