"""The bulk-action view: confirm what will change, then apply the action in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from dashkit.admin.access import model_admin_for
from dashkit.admin.actions import Action
from dashkit.admin.edit.writes import ConflictError, Hooks, row_values
from dashkit.admin.errors import WriteRefused
from dashkit.admin.keys import pk_of
from dashkit.admin.rows import get_rows
from dashkit.admin.urls import list_url
from dashkit.auth import flash, require_permission
from dashkit.http import Response, abort, hx_redirect, redirect
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request
    from dashkit.routing import Blueprint

CONFIRM_TEMPLATE = "admin/confirm_action.html"
REFUSALS = (WriteRefused, ConflictError)
"""What ends an action with its message and nothing kept: an `ActionError` or a hook's or
the database's refusal (both `WriteRefused`), or a lost update."""


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/<slug>/actions", "action", run_action, methods=("POST",))


def run_action(request: Request, slug: str) -> Response:
    """First POST: the confirmation page (or dialog). Second POST with `confirm=1`: apply it."""
    model_admin = model_admin_for(request, slug, "view")
    name = request.form.get("action", "")
    action = model_admin.bulk_actions.get(name)
    if action is None:
        abort(400, f"{name!r} is not an action of {model_admin.label_plural}.")
    require_permission(request, model_admin.permission(action.verb))
    back = _back_url(request, model_admin)
    pks = request.form.getlist("pk")
    if not pks:
        flash(request, "Select at least one row first.", "warning")
        return _go(request, back)
    rows = get_rows(request, model_admin, pks)
    context = {
        "model_admin": model_admin,
        "action": action,
        "rows": rows,
        "pks": [pk_of(model_admin, row) for row in rows],
        "labels": [model_admin.row_label(row) for row in rows],
        "back_url": back,
        "page_title": f"{action.label}: confirm",
    }
    if request.form.get("confirm") != "1":
        block = "dialog" if request.is_htmx else None
        return render(request, CONFIRM_TEMPLATE, block=block, **context)
    try:
        message = _apply(request, model_admin, action, rows)
    except REFUSALS as refusal:
        request.db.rollback()
        error = f"Nothing was changed: {refusal}"
        block = "dialog" if request.is_htmx else None
        return render(request, CONFIRM_TEMPLATE, block=block, status=409, error=error, **context)
    flash(
        request,
        message or f"{action.label}: done for {len(rows)} {model_admin.label_plural}.",
        "success",
    )
    return _go(request, back)


def _apply(
    request: Request, model_admin: ModelAdmin, action: Action, rows: Sequence[Any]
) -> str | None:
    """Run the action, then pass what it did to the selected rows through the ModelAdmin's
    hooks: `on_save` for a row it changed, `on_delete` for one it deleted with
    `session.delete()`, then, once that is flushed, `after_save` and `after_delete`.

    The action runs without autoflush, so unless it flushes itself, its changes are still
    pending when `on_save` sees them. Rows it wrote through `delete_row` (the delete
    action) ran the hooks there; rows it changed with SQL statements are not seen.
    """
    session = request.db
    hooks = Hooks.of(model_admin, request)
    keys = [attribute.key for attribute in sa.inspect(model_admin.model).column_attrs]
    before = [row_values(row, keys) for row in rows]
    with session.no_autoflush:
        message = action.function(model_admin, request, rows)
        deleted, changed = [], []
        for row, values in zip(rows, before):
            state = sa.inspect(row)
            if state.deleted or row in session.deleted:
                deleted.append(row)
            elif state.persistent and row_values(row, keys) != values:
                changed.append(row)
        for row in changed:
            hooks.on_save(row, False)
        for row in deleted:
            hooks.on_delete(row)
    session.flush()
    for row in changed:
        hooks.after_save(row, False)
    for row in deleted:
        hooks.after_delete(row)
    return message


def _back_url(request: Request, model_admin: ModelAdmin) -> str:
    """The list page the user came from, if it is this model's list; else its first page."""
    plain = list_url(request, model_admin)
    wanted = request.form.get("next", "")
    return wanted if wanted.split("?", 1)[0] == plain else plain


def _go(request: Request, url: str) -> Response:
    return hx_redirect(url) if request.is_htmx else redirect(url)
