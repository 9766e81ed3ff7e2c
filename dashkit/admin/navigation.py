"""The admin's navigation: the models a user may view, by category, shown on the index page
and drawn as the sidebar, kept per set of granted permissions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup, escape

from dashkit.admin.access import admin_of
from dashkit.auth import require_login
from dashkit.auth.permissions import grants
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request, Response
    from dashkit.routing import Blueprint

KEPT = 256
"""At most this many permission sets (and sidebars) are kept; then all are forgotten."""

Groups = dict[str, list["ModelAdmin"]]
K = TypeVar("K")
V = TypeVar("V")


class Navigation:
    """Which ModelAdmins a user may view, and the sidebar listing them.

    Both depend only on the registry and the user's granted permission patterns
    (`request.permissions`, worked out on every request from the user's roles and the
    roles' stored definitions, so a changed role is a new key at once). They are kept
    per pattern set; registering a model forgets them. Only what is shown is kept:
    every view still checks its permission on the server.
    """

    def __init__(self, model_admins: Mapping[str, ModelAdmin]):
        self._model_admins = model_admins
        self._groups: dict[frozenset[str], Groups] = {}
        self._sidebars: dict[tuple[Any, ...], Markup] = {}

    def forget(self) -> None:
        """Drop what is kept: the registry changed."""
        self._groups = {}
        self._sidebars = {}

    def groups(self, request: Request) -> Groups:
        """The ModelAdmins the user may view, by category, in registration order (shared:
        do not change it)."""
        granted: frozenset[str] = request.permissions
        groups = self._groups.get(granted)
        if groups is None:
            groups = {}
            for model_admin in self._model_admins.values():
                if grants(granted, model_admin.permission("view")):
                    groups.setdefault(model_admin.category, []).append(model_admin)
            keep(self._groups, granted, groups)
        return groups

    def sidebar(self, request: Request, current_slug: str | None = None) -> Markup:
        """The sidebar's headings and links; `current_slug`'s link is marked as the page.

        Kept per permission set, current model and mount point (the index URL shows it).
        """
        key = (request.permissions, current_slug, request.url_for("admin.index"))
        html = self._sidebars.get(key)
        if html is None:
            html = self._draw(request, current_slug)
            keep(self._sidebars, key, html)
        return html

    def _draw(self, request: Request, current_slug: str | None) -> Markup:
        parts = []
        for category, items in self.groups(request).items():
            parts.append(f"  <h2>{escape(category)}</h2>\n  <ul>\n")
            for item in items:
                url = escape(request.url_for("admin.list", slug=item.slug))
                current = ' aria-current="page"' if item.slug == current_slug else ""
                label = escape(item.label_plural.capitalize())
                parts.append(f'    <li><a href="{url}"{current}>{label}</a></li>\n')
            parts.append("  </ul>\n")
        return Markup("".join(parts))


def keep(kept: dict[K, V], key: K, value: V) -> None:
    """Keep `value` under `key`, forgetting everything kept once there are `KEPT` keys."""
    if len(kept) >= KEPT:
        kept.clear()
    kept[key] = value


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/", "index", index)


def index(request: Request) -> Response:
    require_login(request)
    admin = admin_of(request)
    return render(
        request, "admin/index.html", groups=admin.visible(request), page_title=admin.title
    )


