"""What every admin view starts with: its Admin, the ModelAdmin of the URL with the user's
permission checked, and what else the user may reach from there."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dashkit.auth import has_permission, require_login, require_permission
from dashkit.errors import ConfigError

if TYPE_CHECKING:
    from dashkit.admin.display import DisplayField
    from dashkit.admin.options import ModelAdmin
    from dashkit.admin.registry import Admin
    from dashkit.app import App
    from dashkit.http import Request


def signed_in_only(request: Request) -> None:
    """Ask an anonymous visitor of any admin URL to sign in before anything is looked up:
    a 404 for a table that does not exist would tell a stranger which ones do."""
    require_login(request)


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

