"""What every admin view starts with: its Admin, the ModelAdmin of the URL (permission
checked), the template to render, and URLs that carry a list's state."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from jinja2 import Template
from werkzeug.datastructures import MultiDict

from dashkit.auth import has_permission, require_permission
from dashkit.errors import ConfigError

if TYPE_CHECKING:
    from dashkit.admin.display import DisplayField
    from dashkit.admin.options import ModelAdmin
    from dashkit.admin.registry import Admin
    from dashkit.app import App
    from dashkit.http import Request


def get_admin(app: App) -> Admin:
    """The Admin of an app."""
    try:
        return app.extensions["admin"]
    except KeyError:
        raise ConfigError("this app has no admin: create Admin(app) first") from None


def admin_of(request: Request) -> Admin:
    return get_admin(request.app)


def model_admin_for(request: Request, slug: str, verb: str) -> ModelAdmin:
    """The ModelAdmin of a URL's slug, once the user is known to hold its `verb` permission."""
    model_admin = admin_of(request).get(slug)
    require_permission(request, model_admin.permission(verb))
    return model_admin


def page_template(request: Request, model_admin: ModelAdmin, name: str) -> Template:
    """`admin/<slug>/<name>.html` when the app provides one, else `admin/<name>.html`."""
    return request.app.templates.first_found(
        (f"admin/{model_admin.slug}/{name}.html", f"admin/{name}.html")
    )


def with_args(url: str, args: MultiDict[str, str] | None) -> str:
    """`url` with query-string arguments (repeated keys kept)."""
    return with_query(url, encode_args(args))


def encode_args(args: MultiDict[str, str] | None) -> str:
    """Query-string arguments as a query string (repeated keys kept)."""
    return urlencode(list(args.items(multi=True))) if args else ""


def with_query(url: str, *queries: str) -> str:
    """`url` with query strings appended (empty ones left out): a page of several links
    with the same arguments encodes them once."""
    query = "&".join(filter(None, queries))
    return f"{url}?{query}" if query else url


SEGMENT_SAFE = "!$&'()*+,/:;=@"
"""Characters Werkzeug leaves unquoted in a path segment, so both build the same URLs."""


def url_pattern(request: Request, endpoint: str, *names: str, **values: Any) -> Callable[..., str]:
    """A fast builder of `url_for(endpoint, **values)` whose `names` vary: call it with their values.

    A list page links every row; building each link through the URL map costs more
    than the rest of the row, so the URL is built once around slots that are filled in.
    """
    slots = [f"__dashkit_slot_{index}__" for index in range(len(names))]
    template = request.url_for(endpoint, **values, **dict(zip(names, slots, strict=True)))

    def build(*arguments: str) -> str:
        url = template
        for slot, argument in zip(slots, arguments, strict=True):
            url = url.replace(slot, path_segment(argument))
        return url

    return build


def url_around(request: Request, endpoint: str, argument: str, /, **values: Any) -> tuple[str, str]:
    """`url_for(endpoint, **values)` split where the path `argument` goes.

    `before + path_segment(value) + after` is the URL with `argument=value`: a page of rows
    quotes each row's key once and reuses it for every link of the row.
    """
    slot = "__dashkit_slot__"
    before, _, after = fixed_url(request, endpoint, **values, **{argument: slot}).partition(slot)
    return before, after


def fixed_url(request: Request, endpoint: str, **values: str) -> str:
    """`request.url_for(endpoint, **values)` for values the app's configuration fixes (slugs,
    field names, never request input): the URL map builds each one once per app.

    The path is kept without the app's mount point (`SCRIPT_NAME`), which is added back
    per request; URLs that point to another host are built every time.
    """
    cache: dict[tuple[Any, ...], str] = request.app.extensions.setdefault("admin_fixed_urls", {})
    key = (endpoint, *sorted(values.items()))
    path = cache.get(key)
    if path is None:
        url = request.url_for(endpoint, **values)
        if not url.startswith(request.root_path + "/"):
            return url
        path = cache[key] = url[len(request.root_path) :]
    return request.root_path + path


def path_segment(text: str) -> str:
    """`text` quoted as one URL path segment, as Werkzeug's URL map quotes it."""
    return quote(text, safe=SEGMENT_SAFE)


def list_url(
    request: Request, model_admin: ModelAdmin, args: MultiDict[str, str] | None = None
) -> str:
    return with_args(fixed_url(request, "admin.list", slug=model_admin.slug), args)


def link_target(
    request: Request, admin: Admin, model_admin: ModelAdmin, field: DisplayField
) -> ModelAdmin | None:
    """The registered ModelAdmin a foreign-key column points to, if the user may view it."""
    if field.column is None or field.column.relation is None or field.relations:
        return None
    target = admin.for_model(model_admin.info.relations[field.column.relation].target)
    if target is None or not has_permission(request, target.permission("view")):
        return None
    return target


def can_write(request: Request, model_admin: ModelAdmin, verb: str, endpoint: str) -> bool:
    """True when a write page exists, the model is writable and the user may use it."""
    return (
        not model_admin.read_only
        and endpoint in request.app.view_functions
        and has_permission(request, model_admin.permission(verb))
    )
