"""Which template draws an admin page or a part of one: a model's own, where the app provides one."""

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


class ModelTemplates(dict[str, Template]):
    """The parts of one model's pages kept in `folder` (`_widgets`): `templates["text"]` is
    `admin/<slug>/<folder>/text.html` when the app provides it, else `admin/<folder>/text.html`
    (the app's own or dashkit's).

    Made once per page and handed to its template, so a part drawn once per field is
    looked up once per page, not once per field (a dict: a template reads it without a call).
    """

    def __init__(self, request: Request, model_admin: ModelAdmin, folder: str):
        super().__init__()
        self._first_found = request.app.templates.first_found
        self._own = f"admin/{model_admin.slug}/{folder}/"
        self._shared = f"admin/{folder}/"

    def __missing__(self, name: str) -> Template:
        template = self._first_found((f"{self._own}{name}.html", f"{self._shared}{name}.html"))
        self[name] = template
        return template
