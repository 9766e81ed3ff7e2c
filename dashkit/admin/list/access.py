"""What a user may do on a model's list and where its rows link, kept per permission set.

The bulk actions offered, whether the user may add, change or export, and the URLs of a
row's pages (detail, edit form, the rows its foreign keys point to, cell editors) depend
only on the configuration, the user's granted permission patterns (`request.permissions`,
worked out on every request, so a changed role is a new key at once) and the list's URL
(the mount point). Working them out took a dozen permission checks and URL builds per
request, so they are kept in the Admin's cache per model, pattern set and list URL, as
the sidebar is (`navigation.py`); registering a model forgets them. They only decide what
the list shows: every view still checks its own permission on the server.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashkit.admin.access import admin_of, can_write, link_target
from dashkit.admin.cells import editable_cells
from dashkit.admin.urls import UrlParts, url_around
from dashkit.auth import has_permission

if TYPE_CHECKING:
    from dashkit.admin.actions import Action
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request


@dataclass(frozen=True)
class ListAccess:
    """One permission set's access to one model's list (shared: do not change its dicts)."""

    actions: dict[str, Action]
    """The bulk actions the user may run."""
    detail: UrlParts
    """The detail page of a row, split where its key goes."""
    edit: UrlParts | None
    """The edit form of a row, when the user may change rows."""
    related: dict[str, UrlParts]
    """Foreign-key list field -> the detail page of the row it points to, where the user may
    view that model."""
    editors: dict[str, UrlParts]
    """List field -> its in-cell editor, for the fields the user may edit in place."""
    can_export: bool
    can_add: bool


def list_access(request: Request, model_admin: ModelAdmin, list_url: str) -> ListAccess:
    """The user's access to `model_admin`'s list, whose URL (without arguments) is `list_url`."""
    key = (model_admin, request.permissions, list_url)
    return admin_of(request).cache.get_or_build(
        "list_access", key, lambda: _work_out(request, model_admin)
    )


def _work_out(request: Request, model_admin: ModelAdmin) -> ListAccess:
    slug = model_admin.slug
    admin = admin_of(request)
    related = {}
    for field in model_admin.list_fields:
        target = link_target(request, admin, model_admin, field)
        if target is not None:
            related[field.name] = url_around(request, "admin.detail", "pk", slug=target.slug)
    may_change = can_write(request, model_admin, "change", "admin.edit")
    actions = {
        name: action
        for name, action in model_admin.bulk_actions.items()
        if has_permission(request, model_admin.permission(action.verb))
    }
    return ListAccess(
        actions=actions,
        detail=url_around(request, "admin.detail", "pk", slug=slug),
        edit=url_around(request, "admin.edit", "pk", slug=slug) if may_change else None,
        related=related,
        editors={
            name: url_around(request, "admin.edit_cell", "pk", slug=slug, name=name)
            for name in editable_cells(request, model_admin)
        },
        can_export=has_permission(request, model_admin.permission("export")),
        can_add=can_write(request, model_admin, "add", "admin.create"),
    )
