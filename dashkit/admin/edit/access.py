"""What every write view starts with: a writable ModelAdmin (permission checked), the row
named by the URL's key inside the admin's scope, and where to go next."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from dashkit.admin.access import admin_of
from dashkit.admin.edit.writes import Hooks, RowNotFound, WriteResult, load_row, update_row
from dashkit.admin.keys import decode_pk, encode_pk
from dashkit.admin.rows import scoped
from dashkit.auth import require_permission
from dashkit.auth.next_url import safe_next_url
from dashkit.http import Request, abort

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin


def writable(request: Request, slug: str, verb: str) -> ModelAdmin:
    """The ModelAdmin of `slug` once the user may `verb` it; 404 for read-only models."""
    model_admin = admin_of(request).get(slug)
    if model_admin.read_only:
        abort(404, model_admin.read_only_reason or f"{model_admin.label_plural} are read-only")
    require_permission(request, model_admin.permission(verb))
    return model_admin


def row_key(model_admin: ModelAdmin, text: str) -> tuple[Any, ...]:
    """The primary key a URL segment names; 404 when it cannot be one."""
    try:
        return decode_pk(model_admin, text)
    except ValueError:
        abort(404, f"{text!r} is not a key of {model_admin.label_plural}")


def row_scope(
    request: Request, model_admin: ModelAdmin
) -> Callable[[sa.Select[Any]], sa.Select[Any]]:
    """The ModelAdmin's query for this request, as the write functions take it (`scoped`)."""
    return lambda statement: scoped(request, model_admin, statement)


def load_or_404(request: Request, model_admin: ModelAdmin, pk: tuple[Any, ...]) -> Any:
    """The row with key `pk` inside the admin's scope; 404 otherwise."""
    try:
        return load_row(request.db, model_admin.model, pk, scope=row_scope(request, model_admin))
    except RowNotFound:
        abort(404, f"no {model_admin.label} with key {encode_pk(pk)}")


def reload_or_none(request: Request, model_admin: ModelAdmin, pk: tuple[Any, ...]) -> Any:
    """The row as it is now (after a conflict), or None when it is gone."""
    try:
        return load_row(request.db, model_admin.model, pk, scope=row_scope(request, model_admin))
    except RowNotFound:
        return None


def save_row(
    request: Request,
    model_admin: ModelAdmin,
    pk: tuple[Any, ...],
    values: Mapping[str, Any],
    originals: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
) -> WriteResult:
    """Update the row with key `pk` inside the admin's scope if it still matches `originals`,
    through the ModelAdmin's save hooks (raising `ConflictError`, `RowNotFound` or
    `WriteRefused` as `update_row` does)."""
    return update_row(
        request.db,
        model_admin.model,
        pk,
        values,
        originals,
        scope=row_scope(request, model_admin),
        labels=labels,
        hooks=Hooks.of(model_admin, request),
    )


def next_url(request: Request, fallback: str) -> str:
    """The posted or linked `next` page when it is on this site, else `fallback`."""
    return safe_next_url(request.values.get("next")) or fallback
