"""The admin's navigation: the models a user may view, by category, shown on the index page
and as the sidebar (`admin/_sidebar.html`), kept per set of granted permissions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashkit.admin.access import admin_of
from dashkit.auth import require_login
from dashkit.auth.permissions import grants
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.cache import AdminCache
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request, Response
    from dashkit.routing import Blueprint

Groups = dict[str, list["ModelAdmin"]]


@dataclass(frozen=True)
class NavLink:
    """One model's entry in the sidebar."""

    label: str
    url: str
    is_current: bool


@dataclass(frozen=True)
class NavGroup:
    """A category of the sidebar and its models' links, in registration order."""

    label: str
    links: tuple[NavLink, ...]


class Navigation:
    """Which ModelAdmins a user may view, and the sidebar listing them.

    Both depend only on the registry and the user's granted permission patterns
    (`request.permissions`, worked out on every request from the user's roles and the
    roles' stored definitions, so a changed role is a new key at once). They are kept in
    the Admin's cache per pattern set (the sidebar also per current model and mount
    point). Only what is shown is kept: every view still checks its permission.
    """

    def __init__(self, model_admins: Mapping[str, ModelAdmin], cache: AdminCache):
        self._model_admins = model_admins
        self._cache = cache

    def groups(self, request: Request) -> Groups:
        """The ModelAdmins the user may view, by category, in registration order (shared:
        do not change it)."""
        granted: frozenset[str] = request.permissions
        return self._cache.get_or_build("nav_groups", granted, lambda: self._group(granted))

    def _group(self, granted: frozenset[str]) -> Groups:
        groups: Groups = {}
        for model_admin in self._model_admins.values():
            if grants(granted, model_admin.permission("view")):
                groups.setdefault(model_admin.category, []).append(model_admin)
        return groups

    def sidebar(self, request: Request, current_slug: str | None = None) -> tuple[NavGroup, ...]:
        """The sidebar's categories and links; `current_slug`'s link is the current page."""
        key = (request.permissions, current_slug, request.root_path)
        return self._cache.get_or_build(
            "sidebar", key, lambda: self._sidebar(request, current_slug)
        )

    def _sidebar(self, request: Request, current_slug: str | None) -> tuple[NavGroup, ...]:
        return tuple(
            NavGroup(
                category,
                tuple(
                    NavLink(
                        item.label_plural.capitalize(),
                        request.url_for("admin.list", slug=item.slug),
                        item.slug == current_slug,
                    )
                    for item in items
                ),
            )
            for category, items in self.groups(request).items()
        )


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/", "index", index)


def index(request: Request) -> Response:
    require_login(request)
    admin = admin_of(request)
    return render(
        request, "admin/index.html", groups=admin.visible(request), page_title=admin.title
    )
