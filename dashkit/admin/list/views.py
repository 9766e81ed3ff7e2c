"""The list pages: a model's rows (a whole page or its htmx fragment), their count, and the
rows a foreign-key filter may pick."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus, urlencode

from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from dashkit.admin.access import admin_of, model_admin_for
from dashkit.admin.display import DisplayField, humanize
from dashkit.admin.list.access import ListAccess, list_access
from dashkit.admin.list.controls import list_controls
from dashkit.admin.list.query import ListQuery, Page
from dashkit.admin.list.state import ListState, read_list_state
from dashkit.admin.list.table import TableLinks, UrlParts, html_text, table_body, table_head
from dashkit.admin.templates import page_template
from dashkit.admin.urls import encode_args, fixed_url, list_url, with_args, with_query
from dashkit.auth import require_permission
from dashkit.http import Response, abort, hx_push_url, redirect
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request
    from dashkit.routing import Blueprint

RESULTS_TARGET = "results"
AUTOCOMPLETE_LIMIT = 20


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/<slug>/", "list", list_view)
    blueprint.add_url_rule("/<slug>/count", "count", count_view)
    blueprint.add_url_rule("/<slug>/autocomplete/<field>", "autocomplete", autocomplete)


def list_context(
    request: Request, model_admin: ModelAdmin, *, whole_page: bool = True
) -> dict[str, Any]:
    """Everything the list page and its htmx fragment show, from the request's arguments.

    `whole_page` adds the links of the page around the results (Views menu, export, add),
    which an htmx update of the results leaves as they are.
    """
    state = read_list_state(model_admin, request.args)
    query = ListQuery(model_admin, state, request)
    page = query.page()
    fields = [field for field in model_admin.list_fields if field.name in state.columns]
    base_url = list_url(request, model_admin)
    current_url = with_args(base_url, state.location_args())
    access = list_access(request, model_admin, base_url)
    actions = access.actions
    links = TableLinks(
        detail=access.detail,
        related=access.related,
        editors=_editor_links(access, fields, current_url, base_url),
        edit=access.edit,
    )
    sort_urls = _sort_urls(model_admin, state, fields, base_url)
    arguments = encode_args(state.query_args())  # the state without its position, encoded once
    count_url = with_query(fixed_url(request, "admin.count", slug=model_admin.slug), arguments)

    def admin_url(endpoint: str, **values: str) -> str:
        """This model's pages, by endpoint and names from its options."""
        return fixed_url(request, endpoint, slug=model_admin.slug, **values)

    def export_url(fmt: str) -> str:
        return with_query(admin_url("admin.export", fmt=fmt), arguments)

    context = {
        "model_admin": model_admin,
        "state": state,
        "page": page,
        "current_sort": state.sort or model_admin.default_ordering[0],
        "count_url": count_url,
        "export_url": export_url,
        "fields": fields,
        "links": links,
        "table_body": table_body(
            model_admin,
            page.rows,
            fields,
            links,
            selectable=bool(actions),
            reader=query.reader,
            labels=query.row_labels,
        ),
        "table_head": table_head(
            fields,
            links,
            sort_urls,
            sort=state.sort or model_admin.default_ordering[0],
            selectable=bool(actions),
        ),
        "base_url": base_url,
        "current_url": current_url,
        "pager": _pager(page, base_url, arguments, count_url),
        "sort_urls": sort_urls,
        "list_controls": list_controls(
            model_admin,
            state,
            lambda name: admin_url("admin.autocomplete", field=name),
        ),
        "actions": actions,
        "action_options": access.action_options,
        "admin_url": admin_url,
        "action_url": admin_url("admin.action"),
        "can_export": access.can_export,
        "can_add": access.can_add,
        "page_title": model_admin.label_plural.capitalize(),
    }
    if whole_page:  # the links around the results, ready made: cheaper than template calls
        context["views_url"] = with_query(
            admin_url("admin.saved_views"),
            "query=" + quote(request.query_string, safe="/") if request.query_string else "",
        )
        if access.can_export:
            context["export_csv_url"] = export_url("csv")
            context["export_json_url"] = export_url("json")
        if access.can_add:
            context["create_url"] = admin_url("admin.create")
    return context


def _pager(page: Page, base_url: str, arguments: str, count_url: str) -> Markup:
    """The pager's HTML: first, previous, next and last page (a link, or a disabled button
    where there is no such page) and the link that counts the rows.

    The labels' arrows are character references, keeping the table's HTML ASCII (table.py).

    `arguments` are the state's, encoded; each link adds its position to them.
    """

    def link(label: str, position: str | None, rel: str = "") -> str:
        if position is None:
            return f'<span class="button" aria-disabled="true">{label}</span>'
        url = html_text(with_query(base_url, arguments, position))
        relation = f' rel="{rel}"' if rel else ""
        return (
            f'<a class="button" href="{url}" hx-get="{url}" hx-target="#results"'
            f' hx-push-url="true"{relation}>{label}</a>\n'
        )

    def at(name: str, cursor: str | None) -> str | None:
        return None if cursor is None else urlencode({name: cursor})

    count = html_text(count_url)
    return Markup(
        link("&laquo; First", None if page.is_first else "")
        + link("&lsaquo; Previous", at("before", page.previous_cursor), "prev")
        + link("Next &rsaquo;", at("after", page.next_cursor), "next")
        + link("Last &raquo;", None if page.is_last else "last=1")
        + f'    <span class="pager-total"><a class="total-link" href="{count}" hx-get="{count}"'
        ' hx-trigger="load" hx-swap="outerHTML">Count rows</a></span>'
    )


def _editor_links(
    access: ListAccess, fields: list[DisplayField], current_url: str, base_url: str
) -> dict[str, UrlParts]:
    """The in-place editor of each editable shown column, coming back to this list."""
    back = "" if current_url == base_url else "?" + urlencode({"next": current_url})
    links = {}
    for field in fields[1:]:  # the first column links to the row's page
        if field.name in access.editors:
            before, after = access.editors[field.name]
            links[field.name] = (before, after + back)
    return links


def _sort_urls(
    model_admin: ModelAdmin, state: ListState, fields: list[DisplayField], base_url: str
) -> dict[str, str]:
    """Each sortable column's header link: sorted by it from the first page; a second click
    on the sorted column reverses it. The state's other arguments are encoded once."""
    current = state.sort or model_admin.default_ordering[0]
    others = with_args(base_url, state.query_args(sort=None))
    joiner = "&" if "?" in others else "?"
    urls = {}
    for field in fields:
        if field.sortable:
            value = f"-{field.name}" if current == (field.name, False) else field.name
            urls[field.name] = f"{others}{joiner}sort={quote_plus(value)}"
    return urls


def list_view(request: Request, slug: str) -> Response:
    model_admin = model_admin_for(request, slug, "view")
    whole_page = not (request.is_htmx and request.htmx_target == RESULTS_TARGET)
    context = list_context(request, model_admin, whole_page=whole_page)
    template = page_template(request, model_admin, "list")
    if whole_page:
        if any(value == "" for _, value in request.args.items(multi=True)):
            return redirect(
                context["current_url"]
            )  # a submitted filter form: drop its empty fields
        return render(request, template, **context)
    response = render(request, template, block=RESULTS_TARGET, **context)
    return hx_push_url(response, context["current_url"])


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
    query = ListQuery(target, state, request)
    rows = query.page().rows
    keys = map(query.reader(target.info.primary_key[0]), rows)
    options = list(zip(keys, query.row_labels(rows)))
    return render(request, "admin/autocomplete.html", options=options)


