"""Rows by primary key, as the request's row scope lets it see them.

`scoped_select` is the statement every admin read and write starts from; `pk_condition`
the one condition naming a row by its key; `load_row` the one way a row is loaded by key
(the writes load and lock theirs with it). The detail page, the edit, delete and cell
forms and the bulk actions load what their URL names with `row_key`, `get_row`,
`find_row` and `get_rows`, which answer a missing row with one 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from dashkit.admin.access import admin_of
from dashkit.admin.keys import decode_pk, encode_pk
from dashkit.errors import DashkitError
from dashkit.http import abort

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request


class RowNotFound(DashkitError):
    """No row with this primary key (within the admin's scope)."""


def scoped_select(request: Request, model_admin: ModelAdmin) -> sa.Select[Any]:
    """`SELECT model` as this request may see it: the ModelAdmin's `query()`."""
    return model_admin.query(request)


def scoped(request: Request, model_admin: ModelAdmin, statement: sa.Select[Any]) -> sa.Select[Any]:
    """`statement`, a `SELECT model` with conditions of its own, as this request may see it:
    the `scope()` applied to it, or with a `query()` of the subclass's own, that query given
    the statement's conditions and options."""
    if not model_admin.overrides("query"):
        return model_admin.scope(request, statement)
    base = model_admin.query(request).execution_options(**statement.get_execution_options())
    return base if statement.whereclause is None else base.where(statement.whereclause)


def has_own_scope(model_admin: ModelAdmin) -> bool:
    """True when the ModelAdmin's `query()` or `scope()` is its own: what it returns may
    depend on the request, so no statement it shapes is kept for other requests."""
    return model_admin.overrides("query") or model_admin.overrides("scope")


def pk_condition(model: type, values: Sequence[Any]) -> sa.ColumnElement[bool]:
    """`key column = value` for each primary key column of `model`, in key order; a value
    may be a bound parameter, and None reads `IS NULL`. RowNotFound for a key of another
    width."""
    mapper: Mapper[Any] = sa.inspect(model)
    columns = mapper.primary_key
    if len(values) != len(columns):
        raise RowNotFound(f"expected a key of {len(columns)} parts, got {len(values)}")
    return sa.and_(*(column == value for column, value in zip(columns, values)))


def by_key(rows: sa.Select[Any], model: type, pk: Sequence[Any]) -> sa.Select[Any]:
    """`rows` narrowed to the row of key `pk`, whose values `key_arguments` binds: the
    statement serves every key with the same NULL parts, so it can be prepared once (a
    new statement costs its construction and SQLAlchemy's cache key, more than a query by
    key on SQLite). It reloads a row the session already holds."""
    values: list[Any] = [
        None if value is None else sa.bindparam(_key_name(n)) for n, value in enumerate(pk)
    ]
    condition = pk_condition(model, values)
    return rows.where(condition).execution_options(populate_existing=True)


def key_arguments(pk: Sequence[Any]) -> dict[str, Any]:
    """The parameters of a `by_key` statement for key `pk`."""
    return {_key_name(n): value for n, value in enumerate(pk) if value is not None}


def _key_name(position: int) -> str:
    return f"dashkit_pk_{position}"  # a name no scope's own parameters will use


def load_row(
    session: Session,
    model: type,
    pk: Sequence[Any],
    *,
    rows: sa.Select[Any] | None = None,
    lock: bool = False,
) -> Any:
    """The row of `model` with primary key `pk` among `rows` (a scoped select of `model`;
    every row when None), locked for the transaction if asked; `RowNotFound` otherwise."""
    statement = by_key(rows if rows is not None else sa.select(model), model, pk)
    return _first(session, statement, model, pk, lock)


def _first(
    session: Session, statement: sa.Select[Any], model: type, pk: Sequence[Any], lock: bool
) -> Any:
    if lock:  # of the row's own table: PostgreSQL locks no nullable side of an outer join
        statement = statement.with_for_update(of=model)
    row = session.scalars(statement, key_arguments(pk)).first()
    if row is None:
        raise RowNotFound(f"no {model.__name__} with key {list(pk)!r}")
    return row


def find_row(request: Request, model_admin: ModelAdmin, pk: Sequence[Any]) -> Any | None:
    """The row with key `pk` if the request's scope lets it see it, else None.

    Without a scope of its own the statement holds nothing of the request: it is kept in
    the Admin's cache per ModelAdmin (and NULL parts of the key)."""
    model = model_admin.model
    try:
        if has_own_scope(model_admin):
            statement = by_key(scoped_select(request, model_admin), model, pk)
        else:
            statement = admin_of(request).cache.get_or_build(
                "row_by_key",
                (model_admin, tuple(value is None for value in pk)),
                lambda: by_key(scoped_select(request, model_admin), model, pk),
            )
        return _first(request.db, statement, model, pk, lock=False)
    except RowNotFound:  # no such row, or a key of another width
        return None


def row_key(model_admin: ModelAdmin, text: str) -> tuple[Any, ...]:
    """The primary key a URL's segment names; 404 when it cannot be one."""
    try:
        return decode_pk(model_admin, text)
    except ValueError:
        no_such_row(model_admin, text)


def get_row(request: Request, model_admin: ModelAdmin, pk: Sequence[Any]) -> Any:
    """The row with key `pk` if the request's scope lets it see it; 404 otherwise."""
    row = find_row(request, model_admin, pk)
    if row is None:
        no_such_row(model_admin, encode_pk(pk))
    return row


def no_such_row(model_admin: ModelAdmin, key_text: str) -> NoReturn:
    """Answer 404 for a key naming no row this user may see (or none at all)."""
    abort(404, f"No {model_admin.label} has the key {key_text!r}.")


def get_rows(request: Request, model_admin: ModelAdmin, pks: Sequence[str]) -> list[Any]:
    """The rows of several keys (a bulk selection); 404 if any is malformed or out of scope."""
    wanted = [row_key(model_admin, text) for text in dict.fromkeys(pks)]
    if not wanted:
        return []
    model = model_admin.model
    mapper: Mapper[Any] = sa.inspect(model)
    columns = mapper.primary_key
    condition: sa.ColumnElement[bool]
    if len(columns) == 1:
        condition = columns[0].in_([values[0] for values in wanted])
    else:
        condition = sa.or_(*(pk_condition(model, values) for values in wanted))
    rows = list(request.db.scalars(scoped_select(request, model_admin).where(condition)))
    if len(rows) != len(wanted):
        abort(
            404, f"Some selected {model_admin.label_plural} do not exist or are not yours to see."
        )
    return rows
