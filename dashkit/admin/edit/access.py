"""What every write view starts with: a writable ModelAdmin (permission checked), the save
of a row inside the admin's scope, and where to go next. The row a URL names is loaded as
every page loads it (`dashkit.admin.rows`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from dashkit.admin.access import admin_of
from dashkit.admin.edit.writes import Hooks, WriteResult, update_row
from dashkit.admin.rows import scoped_select
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
        rows=scoped_select(request, model_admin),
        labels=labels,
        hooks=Hooks.of(model_admin, request),
    )


def next_url(request: Request, fallback: str) -> str:
    """The posted or linked `next` page when it is on this site, else `fallback`."""
    return safe_next_url(request.values.get("next")) or fallback
