"""Create, update and delete one row, each inside its own savepoint, refusing lost updates.

A write either applies completely or not at all: it runs in a SAVEPOINT of the caller's
transaction, so a refused write (integrity error, conflict, a hook's `WriteRefused`) leaves
the session usable and nothing written. Conflicts are detected with the model's version
counter when it has one (`__mapper_args__ = {"version_id_col": ...}`), otherwise by
putting the values the form was loaded with into the UPDATE's (or DELETE's) WHERE clause.

The ModelAdmin's hooks (`on_save`, `after_save`, `on_delete`, `after_delete`) run here,
inside the savepoint, so every path that writes a row (forms, list cells, inline rows,
bulk deletes, the API) calls them the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, RelationshipDirection, Session
from sqlalchemy.orm.exc import StaleDataError

from dashkit.admin.edit.forms.introspect import base_type
from dashkit.admin.edit.integrity import (
    MISSING_REFERENCE,
    IntegrityRefusal,
    classify,
    explain_integrity_error,
    missing_references,
)
from dashkit.admin.edit.originals import changed_keys, snapshot, untag
from dashkit.admin.rows import RowNotFound, load_row, pk_condition
from dashkit.errors import DashkitError

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request


class Hooks(NamedTuple):
    """A ModelAdmin's write hooks bound to one request, as the write functions call them."""

    on_save: Callable[[Any, bool], None]
    after_save: Callable[[Any, bool], None]
    on_delete: Callable[[Any], None]
    after_delete: Callable[[Any], None]

    @classmethod
    def of(cls, model_admin: ModelAdmin, request: Request) -> Hooks:
        return cls(
            functools.partial(model_admin.on_save, request),
            functools.partial(model_admin.after_save, request),
            functools.partial(model_admin.on_delete, request),
            functools.partial(model_admin.after_delete, request),
        )


class ConflictError(DashkitError):
    """The row changed (or vanished) since the form was loaded; nothing was written.

    `current` holds the row's values now (None when it was deleted), `submitted` what the
    user tried to save, `fields` the keys someone else changed.
    """

    def __init__(
        self, current: dict[str, Any] | None, submitted: Mapping[str, Any], fields: list[str]
    ):
        self.current = current
        self.submitted = dict(submitted)
        self.fields = fields
        if current is None:
            message = "This row was deleted by someone else after you loaded it."
        else:
            names = ", ".join(fields) if fields else "it"
            message = f"Someone else changed {names} after you loaded this row."
        super().__init__(message)


@dataclass
class WriteResult:
    """The written object, its primary key and the changes as {key: (before, after)}."""

    obj: Any
    pk: tuple[Any, ...]
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def primary_key_of(obj: Any) -> tuple[Any, ...]:
    """The primary key values of a loaded row, in key column order."""
    return tuple(sa.inspect(type(obj)).primary_key_from_instance(obj))


def row_values(obj: Any, keys: Sequence[str]) -> dict[str, Any]:
    """Attribute values of `obj`; many-to-many collections become lists of target keys."""
    mapper: Mapper[Any] = sa.inspect(type(obj))
    values: dict[str, Any] = {}
    for key in keys:
        relationship = mapper.relationships.get(key)
        if relationship is not None:
            values[key] = [primary_key_of(target)[0] for target in getattr(obj, key)]
        else:
            values[key] = getattr(obj, key)
    return values


def snapshot_keys(model: type, keys: Sequence[str]) -> list[str]:
    """The keys a form's originals should hold: its fields, plus the version counter."""
    mapper: Mapper[Any] = sa.inspect(model)
    version = mapper.version_id_col
    extra = [mapper.get_property_by_column(version).key] if version is not None else []
    return [*keys, *(key for key in extra if key not in keys)]


def storable(session: Session, mapper: Mapper[Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Values as the database will keep them: aware datetimes become naive UTC on
    dialects that store no offset (their drivers would silently drop it). A column type
    of the model's own (a TypeDecorator) converts for itself."""
    if session.get_bind(mapper).dialect.name == "postgresql":
        return dict(values)
    stored = dict(values)
    for key, value in values.items():
        attribute = mapper.column_attrs.get(key)
        plain = attribute is not None and not isinstance(
            attribute.columns[0].type, sa.TypeDecorator
        )
        if plain and isinstance(value, datetime) and value.tzinfo is not None:
            stored[key] = value.astimezone(UTC).replace(tzinfo=None)
    return stored


def create_row(
    session: Session,
    model: type,
    values: Mapping[str, Any],
    *,
    labels: Mapping[str, str] | None = None,
    hooks: Hooks | None = None,
) -> WriteResult:
    """Insert one row from coerced form values; raise `IntegrityRefusal` (or a hook's
    `WriteRefused`) on a refusal."""
    mapper: Mapper[Any] = sa.inspect(model)
    values = storable(session, mapper, values)
    scalars, collections = _split(mapper, values)
    changes = {key: (None, value) for key, value in values.items()}
    with _Savepoint(session, mapper, values, labels):
        obj = model(**scalars)
        for key, target_keys in collections.items():
            setattr(obj, key, _load_targets(session, mapper, key, target_keys))
        if hooks is not None:
            with session.no_autoflush:
                hooks.on_save(obj, True)
            changes.update(_pending(obj, mapper))
        session.add(obj)
        session.flush()
        if hooks is not None:
            hooks.after_save(obj, True)
    return WriteResult(obj, primary_key_of(obj), changes)


def update_row(
    session: Session,
    model: type,
    pk: Sequence[Any],
    values: Mapping[str, Any],
    originals: Mapping[str, Any],
    *,
    rows: sa.Select[Any] | None = None,
    labels: Mapping[str, str] | None = None,
    hooks: Hooks | None = None,
) -> WriteResult:
    """Apply `values` to the row if it still matches `originals` (a signed `snapshot`);
    `rows` is the scoped select the row must be among (`rows.scoped_select`).

    Raises `ConflictError` when it does not, `RowNotFound`, `IntegrityRefusal` or a
    hook's `WriteRefused`. The changes `on_save` makes to the row are written with the
    form's (and audited), under the same guard against lost updates.
    """
    mapper: Mapper[Any] = sa.inspect(model)
    values = storable(session, mapper, values)
    try:
        obj = load_row(session, model, pk, rows=rows, lock=True)
    except RowNotFound:
        raise ConflictError(None, values, []) from None
    keys = list(originals)
    current = row_values(obj, keys)
    stale = changed_keys(originals, current, keys)
    if stale:
        raise ConflictError(current, values, stale)
    before = row_values(obj, list(values))
    changes = {
        key: (before[key], value)
        for key, value in values.items()
        if snapshot({key: before[key]}) != snapshot({key: value})
    }
    if not changes:
        return WriteResult(obj, tuple(pk), {})
    scalars, collections = _split(mapper, {key: after for key, (_, after) in changes.items()})
    try:
        # without autoflush, the changes stay pending until the guarded write below
        with _Savepoint(session, mapper, values, labels), session.no_autoflush:
            for key, value in scalars.items():
                setattr(obj, key, value)
            for key, target_keys in collections.items():
                setattr(obj, key, _load_targets(session, mapper, key, target_keys))
            if hooks is not None:
                hooks.on_save(obj, False)
                for key, (old, new) in _pending(obj, mapper).items():
                    changes[key] = (changes[key][0] if key in changes else old, new)
            if mapper.version_id_col is None:
                pending = {key: new for key, (_, new) in _pending(obj, mapper).items()}
                if pending:
                    _guarded_update(session, obj, mapper, pk, pending, originals)
            session.flush()
            if hooks is not None:
                hooks.after_save(obj, False)
    except (StaleDataError, _RaceLost):
        raise ConflictError(_reload(session, model, pk, keys), values, keys) from None
    return WriteResult(obj, tuple(pk), changes)


def delete_row(
    session: Session,
    model: type,
    pk: Sequence[Any],
    originals: Mapping[str, Any] | None = None,
    *,
    rows: sa.Select[Any] | None = None,
    hooks: Hooks | None = None,
) -> WriteResult:
    """Delete the row among `rows` (a scoped select; every row when None) if it still matches
    `originals`, when given; refusals are explained.

    `after_delete` gets the object as it was loaded, its row gone."""
    mapper: Mapper[Any] = sa.inspect(model)
    try:
        obj = load_row(session, model, pk, rows=rows, lock=True)
    except RowNotFound:
        if originals is None:
            raise
        raise ConflictError(None, {}, []) from None
    keys = list(originals) if originals is not None else _column_keys(mapper)
    current = row_values(obj, keys)
    if originals is not None:
        stale = changed_keys(originals, current, keys)
        if stale:
            raise ConflictError(current, {}, stale)
    before = row_values(obj, _column_keys(mapper))
    try:
        with _Savepoint(session, mapper, {}, None, deleting=True):
            if hooks is not None:
                hooks.on_delete(obj)
            for relationship in mapper.relationships:
                if relationship.direction is RelationshipDirection.MANYTOMANY:
                    setattr(obj, relationship.key, [])
            session.flush()
            conditions = _original_conditions(mapper, originals or {})
            statement = sa.delete(mapper.local_table).where(pk_condition(model, pk), *conditions)
            if session.execute(statement).rowcount != 1:
                raise _RaceLost()
            if hooks is not None:
                hooks.after_delete(obj)
    except _RaceLost:
        raise ConflictError(_reload(session, model, pk, keys), {}, keys) from None
    session.expunge(obj)
    changes = {key: (value, None) for key, value in before.items()}
    return WriteResult(None, tuple(pk), changes)


def _column_keys(mapper: Mapper[Any]) -> list[str]:
    return [attribute.key for attribute in mapper.column_attrs]


def _pending(obj: Any, mapper: Mapper[Any]) -> dict[str, tuple[Any, Any]]:
    """The columns of `obj` set in Python and not yet written, as {key: (before, after)}."""
    state = sa.inspect(obj)
    pending = {}
    for key in _column_keys(mapper):
        history = state.attrs[key].history
        if history.added:
            pending[key] = (history.deleted[0] if history.deleted else None, history.added[0])
    return pending


def _split(mapper: Mapper[Any], values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    scalars = {k: v for k, v in values.items() if k not in mapper.relationships}
    collections = {k: v for k, v in values.items() if k in mapper.relationships}
    return scalars, collections


def _load_targets(
    session: Session, mapper: Mapper[Any], key: str, target_keys: list[Any]
) -> list[Any]:
    target: Mapper[Any] = mapper.relationships[key].mapper
    column = target.primary_key[0]
    found = (
        session.scalars(sa.select(target.class_).where(column.in_(target_keys))).all()
        if target_keys
        else []
    )
    by_key = {primary_key_of(obj)[0]: obj for obj in found}
    missing = [str(k) for k in target_keys if k not in by_key]
    if missing:
        raise IntegrityRefusal({key: f"No such row to refer to: {', '.join(missing)}."}, [])
    return [by_key[k] for k in target_keys]


def _original_conditions(
    mapper: Mapper[Any], originals: Mapping[str, Any]
) -> list[sa.ColumnElement[bool]]:
    """`column = original` (or IS NULL) for each loaded value a database can compare."""
    conditions: list[sa.ColumnElement[bool]] = []
    for key, tagged in originals.items():
        attribute = mapper.column_attrs.get(key)
        if attribute is None:
            continue
        comparable, value = untag(tagged)
        column = attribute.columns[0]
        # a JSON document has no portable equality, and None may be stored as JSON null:
        # its snapshot was compared in Python on the locked row
        if comparable and not isinstance(base_type(column.type), sa.JSON):
            conditions.append(column.is_(None) if value is None else column == value)
    return conditions


class _RaceLost(Exception):
    """The guarded statement matched no row: it changed between our read and our write."""


def _guarded_update(
    session: Session,
    obj: Any,
    mapper: Mapper[Any],
    pk: Sequence[Any],
    scalars: Mapping[str, Any],
    originals: Mapping[str, Any],
) -> None:
    columns = {mapper.column_attrs[key].columns[0].name: value for key, value in scalars.items()}
    statement = (
        sa.update(mapper.local_table)
        .where(pk_condition(mapper.class_, pk), *_original_conditions(mapper, originals))
        .values(columns)
    )
    if session.execute(statement).rowcount != 1:
        raise _RaceLost()
    session.expire(obj, list(scalars))


def _reload(
    session: Session, model: type, pk: Sequence[Any], keys: list[str]
) -> dict[str, Any] | None:
    try:
        return row_values(load_row(session, model, pk), keys)
    except RowNotFound:
        return None


class _Savepoint:
    """Run a write in a SAVEPOINT; an IntegrityError rolls it back and becomes a refusal."""

    def __init__(
        self,
        session: Session,
        mapper: Mapper[Any],
        values: Mapping[str, Any],
        labels: Mapping[str, str] | None,
        *,
        deleting: bool = False,
    ):
        self.session, self.mapper, self.values, self.labels = session, mapper, values, labels
        self.deleting = deleting

    def __enter__(self) -> None:
        self.transaction = self.session.begin_nested()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if kind is None:
            self.transaction.commit()
            return False
        self.transaction.rollback()
        # MariaDB reports a failed CHECK as an OperationalError, not an IntegrityError;
        # a value too long or too large for its column is a DataError everywhere
        refused = (sa.exc.IntegrityError, sa.exc.OperationalError, sa.exc.DataError)
        if isinstance(error, refused) and classify(error):
            refusal = explain_integrity_error(
                error, self.mapper, labels=self.labels, deleting=self.deleting
            )
            if refusal.form_errors == ["A referenced row does not exist."]:
                missing = missing_references(self.session, self.mapper, self.values)
                if missing:
                    refusal = IntegrityRefusal(
                        {key: MISSING_REFERENCE for key in missing},
                        [],
                    )
            raise refusal from error
        return False
