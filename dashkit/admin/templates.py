"""Which template draws an admin page: a model's own, where the app provides one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Template

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request


def page_template(request: Request, model_admin: ModelAdmin, name: str) -> Template:
    """`admin/<slug>/<name>.html` when the app provides one, else `admin/<name>.html`."""
    return request.app.templates.first_found(
        (f"admin/{model_admin.slug}/{name}.html", f"admin/{name}.html")
    )
