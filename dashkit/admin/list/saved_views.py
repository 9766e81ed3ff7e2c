"""Saved views: a user's named list states (search, filters, sort, columns) per model.

The list page shows them in a "Views" menu that loads its body from `views_page` when it
is first opened (an htmx fragment), so a list page itself runs no saved-views query;
without JavaScript the menu links to the same page in full.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from dashkit.admin.access import model_admin_for
from dashkit.admin.list.state import read_list_state
from dashkit.admin.urls import list_url
from dashkit.auth import flash, require_login
from dashkit.db import read_rows
from dashkit.http import Response, abort, redirect
from dashkit.state import SavedView
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request
    from dashkit.routing import Blueprint

NAME_LENGTH = 150
MENU_BLOCK = "menu"
"""The block of `admin/saved_views.html` that the list page's Views menu loads."""


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/<slug>/views", "saved_views", views_page)
    blueprint.add_url_rule("/<slug>/views", "save_view", save_view, methods=("POST",))
    blueprint.add_url_rule(
        "/<slug>/views/<int:view_id>/delete", "delete_view", delete_view, methods=("POST",)
    )


LISTED_VIEWS = (
    sa.select(SavedView.id, SavedView.name, SavedView.query_string)
    .where(SavedView.user_id == sa.bindparam("user_id"), SavedView.model == sa.bindparam("model"))
    .order_by(SavedView.name)
)
"""Built once: every opening of a list page's Views menu runs it."""


def saved_views_for(request: Request, model_admin: ModelAdmin) -> list[sa.Row[Any]]:
    """The signed-in user's saved views of a model, by name: their id, name and query string."""
    user = require_login(request)
    arguments = {"user_id": user.id, "model": model_admin.slug}
    return list(read_rows(request.state_db, LISTED_VIEWS, arguments))


def clean_query_string(model_admin: ModelAdmin, query_string: str) -> str:
    """The list state of a query string, re-encoded: unknown names and page positions dropped."""
    state = read_list_state(model_admin, MultiDict(parse_qsl(query_string.lstrip("?"))))
    return urlencode(list(state.query_args().items(multi=True)))


def views_page(request: Request, slug: str) -> Response:
    """The user's saved views of a model and the form that saves the list state `?query=`:
    the Views menu's body for htmx, else a page of its own."""
    model_admin = model_admin_for(request, slug, "view")
    return render(
        request,
        "admin/saved_views.html",
        block=MENU_BLOCK if request.is_htmx else None,
        model_admin=model_admin,
        views=saved_views_for(request, model_admin),
        query=clean_query_string(model_admin, request.args.get("query", "")),
        list_url=list_url(request, model_admin),
        page_title=f"{model_admin.label_plural.capitalize()}: saved views",
    )


def save_view(request: Request, slug: str) -> Response:
    model_admin = model_admin_for(request, slug, "view")
    user = require_login(request)
    name = request.form.get("name", "").strip()[:NAME_LENGTH]
    query_string = clean_query_string(model_admin, request.form.get("query", ""))
    target = list_url(request, model_admin) + (f"?{query_string}" if query_string else "")
    if not name:
        flash(request, "Give the view a name to save it.", "error")
        return redirect(target)
    if not name.isprintable():
        flash(request, "A view's name cannot hold control characters.", "error")
        return redirect(target)
    existing = request.state_db.scalars(
        sa.select(SavedView).where(
            SavedView.user_id == user.id,
            SavedView.model == model_admin.slug,
            SavedView.name == name,
        )
    ).first()
    if existing is None:
        request.state_db.add(
            SavedView(user_id=user.id, model=model_admin.slug, name=name, query_string=query_string)
        )
    else:
        existing.query_string = query_string
    flash(request, f"Saved the view {name!r}.", "success")
    return redirect(target)


def delete_view(request: Request, slug: str, view_id: int) -> Response:
    model_admin = model_admin_for(request, slug, "view")
    user = require_login(request)
    view = request.state_db.get(SavedView, view_id)
    if view is None or view.user_id != user.id or view.model != model_admin.slug:
        abort(404, "No such saved view.")
    request.state_db.delete(view)
    flash(request, f"Deleted the view {view.name!r}.", "success")
    return redirect(list_url(request, model_admin))
