"""What every admin view starts with: its Admin, the ModelAdmin of the URL (permission
checked), the template to render, and URLs that carry a list's state."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from jinja2 import Template
from werkzeug.datastructures import MultiDict

from dashkit.auth import has_permission, require_permission

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.admin.registry import Admin
    from dashkit.http import Request


def admin_of(request: Request) -> Admin:
    return request.app.extensions["admin"]


def model_admin_for(request: Request, slug: str, verb: str) -> ModelAdmin:
    """The ModelAdmin of a URL's slug, once the user is known to hold its `verb` permission."""
    model_admin = admin_of(request).get(slug)
    require_permission(request, model_admin.permission(verb))
    return model_admin


def page_template(request: Request, model_admin: ModelAdmin, name: str) -> Template:
    """`admin/<slug>/<name>.html` when the app provides one, else `admin/<name>.html`."""
    environment = request.app.templates.environment
    return environment.select_template([f"admin/{model_admin.slug}/{name}.html", f"admin/{name}.html"])


def with_args(url: str, args: MultiDict[str, str] | None) -> str:
    """`url` with query-string arguments (repeated keys kept)."""
    query = urlencode(list(args.items(multi=True))) if args else ""
    return f"{url}?{query}" if query else url


def list_url(request: Request, model_admin: ModelAdmin, args: MultiDict[str, str] | None = None) -> str:
    return with_args(request.url_for("admin.list", slug=model_admin.slug), args)


def can_write(request: Request, model_admin: ModelAdmin, verb: str, endpoint: str) -> bool:
    """True when a write page exists, the model is writable and the user may use it."""
    return (
        not model_admin.read_only
        and endpoint in request.app.view_functions
        and has_permission(request, model_admin.permission(verb))
    )
