"""The list pages: a model's rows (a whole page or its htmx fragment), their count, and the
rows a foreign-key filter may pick."""

from __future__ import annotations

from typing import TYPE_CHECKING

from werkzeug.datastructures import MultiDict

from dashkit.admin.access import admin_of, model_admin_for
from dashkit.admin.display import humanize
from dashkit.admin.list.page import list_page
from dashkit.admin.list.query import ListQuery
from dashkit.admin.list.state import read_list_state
from dashkit.admin.templates import page_template
from dashkit.admin.urls import list_url
from dashkit.auth import require_permission
from dashkit.http import Response, abort, hx_push_url, redirect
from dashkit.templating import render

if TYPE_CHECKING:
    from jinja2 import Template

    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request
    from dashkit.routing import Blueprint

RESULTS_TARGET = "results"
AUTOCOMPLETE_LIMIT = 20
LIST_PARTS = ("filters", "actions", "table", "row", "pager")
"""The list page's parts, each a template of its own under `admin/_list/`."""


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/<slug>/", "list", list_view)
    blueprint.add_url_rule("/<slug>/count", "count", count_view)
    blueprint.add_url_rule("/<slug>/autocomplete/<field>", "autocomplete", autocomplete)


def list_view(request: Request, slug: str) -> Response:
    """A model's list: the whole page, or the results alone for htmx (both from one ListPage)."""
    model_admin = model_admin_for(request, slug, "view")
    page = list_page(request, model_admin)
    template = page_template(request, model_admin, "list")
    context = {"page": page, "parts": list_parts(request, model_admin), "page_title": page.title}
    if request.is_htmx and request.htmx_target == RESULTS_TARGET:
        response = render(request, template, block=RESULTS_TARGET, **context)
        return hx_push_url(response, page.current_url)
    if any(value == "" for _, value in request.args.items(multi=True)):
        return redirect(page.current_url)  # a submitted filter form: drop its empty fields
    return render(request, template, **context)


def list_parts(request: Request, model_admin: ModelAdmin) -> dict[str, Template]:
    """The templates of the list page's parts (`table`, `row`, `pager`, ...), each the model's
    own (`admin/<slug>/_list/<part>.html`) where the app provides one, found once per page."""
    return {part: page_template(request, model_admin, f"_list/{part}") for part in LIST_PARTS}


def count_view(request: Request, slug: str) -> Response:
    model_admin = model_admin_for(request, slug, "view")
    state = read_list_state(model_admin, request.args)
    total = ListQuery(model_admin, state, request).total(request.db)
    block = "total" if request.is_htmx else None
    return render(
        request,
        "admin/count.html",
        block=block,
        model_admin=model_admin,
        total=total,
        back_url=list_url(request, model_admin, state.query_args()),
        page_title=f"{model_admin.label_plural.capitalize()}: count",
    )


def autocomplete(request: Request, slug: str, field: str) -> Response:
    """`<option>`s of the rows a foreign-key filter may pick, searched by `q`, in scope."""
    model_admin = model_admin_for(request, slug, "view")
    spec = model_admin.filters.get(field)
    if spec is None or spec.kind != "relation" or spec.target is None:
        abort(404, f"{field!r} is not a foreign-key filter of {model_admin.label_plural}.")
    target = admin_of(request).for_model(spec.target)
    if target is None or len(target.info.primary_key) != 1:
        abort(404, f"{humanize(field)} points to a model the admin does not list.")
    require_permission(request, target.permission("view"))
    text = request.args.get("q") or request.args.get(f"f.{field}", "")
    state = read_list_state(target, MultiDict({"q": text}))
    state.page_size = AUTOCOMPLETE_LIMIT
    page = ListQuery(target, state, request).page()
    options = [(key, label) for (key,), label in zip(page.keys(), page.labels())]
    return render(request, "admin/autocomplete.html", options=options)
