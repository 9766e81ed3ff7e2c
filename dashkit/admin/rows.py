"""Rows as a request may see them: the ModelAdmin's query, and rows loaded by key through it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from dashkit.admin.keys import decode_pk
from dashkit.http import abort

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request


def scoped_select(request: Request, model_admin: ModelAdmin) -> sa.Select[Any]:
    """`SELECT model` as this request may see it: the ModelAdmin's `query()`."""
    return model_admin.query(request)


def scoped(request: Request, model_admin: ModelAdmin, statement: sa.Select[Any]) -> sa.Select[Any]:
    """`statement`, a `SELECT model` with conditions of its own, as this request may see it.

    With ModelAdmin's own `query()` that is the `scope()` applied to it, which keeps a
    statement built once (`writes.by_key`) when the scope adds nothing; a `query()` of the
    subclass's own becomes the base, given the statement's conditions and options.
    """
    if not model_admin.overrides("query"):
        return model_admin.scope(request, statement)
    base = model_admin.query(request).execution_options(**statement.get_execution_options())
    return base if statement.whereclause is None else base.where(statement.whereclause)


def pk_condition(model_admin: ModelAdmin, values: Sequence[Any]) -> sa.ColumnElement[bool]:
    columns = [model_admin.info.columns[name].attribute for name in model_admin.info.primary_key]
    return sa.and_(*(column == value for column, value in zip(columns, values, strict=True)))


def get_row(request: Request, model_admin: ModelAdmin, pk: str) -> Any:
    """The row a URL's key names, if the scope lets this request see it; else 404."""
    try:
        values = decode_pk(model_admin, pk)
    except ValueError:
        abort(404, f"No {model_admin.label} has the key {pk!r}.")
    statement = scoped_select(request, model_admin).where(pk_condition(model_admin, values))
    row = request.db.scalars(statement).first()
    if row is None:
        abort(404, f"No {model_admin.label} has the key {pk!r}.")
    return row


def get_rows(request: Request, model_admin: ModelAdmin, pks: Sequence[str]) -> list[Any]:
    """The rows of several keys (a bulk selection); 404 if any is malformed or out of scope."""
    wanted = []
    for pk in dict.fromkeys(pks):
        try:
            wanted.append(decode_pk(model_admin, pk))
        except ValueError:
            abort(404, f"No {model_admin.label} has the key {pk!r}.")
    if not wanted:
        return []
    key_names = model_admin.info.primary_key
    if len(key_names) == 1:
        column = model_admin.info.columns[key_names[0]].attribute
        condition = column.in_([values[0] for values in wanted])
    else:
        condition = sa.or_(*(pk_condition(model_admin, values) for values in wanted))
    statement = scoped_select(request, model_admin).where(condition)
    rows = list(request.db.scalars(statement))
    if len(rows) != len(wanted):
        abort(
            404, f"Some selected {model_admin.label_plural} do not exist or are not yours to see."
        )
    return rows
