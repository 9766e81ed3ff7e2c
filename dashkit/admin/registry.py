"""Admin: the registry of ModelAdmins for one app, and the `admin` blueprint that serves them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dashkit.admin import detail, navigation
from dashkit.admin.access import signed_in_only
from dashkit.admin.cache import AdminCache
from dashkit.admin.edit import bulk
from dashkit.admin.edit import views as edit_views
from dashkit.admin.errors import OptionError
from dashkit.admin.list import export, saved_views
from dashkit.admin.list import views as list_views
from dashkit.admin.navigation import Navigation
from dashkit.admin.options import ModelAdmin
from dashkit.auth.extension import get_auth
from dashkit.errors import ConfigError
from dashkit.http import abort
from dashkit.routing import Blueprint

if TYPE_CHECKING:
    from dashkit.app import App
    from dashkit.http import Request

ROUTE_INSTALLERS: tuple[Callable[[Blueprint], None], ...] = (
    navigation.register_routes,
    list_views.register_routes,
    detail.register_routes,
    bulk.register_routes,
    export.register_routes,
    saved_views.register_routes,
    edit_views.register_routes,
)
"""Every module that adds routes to the `admin` blueprint."""


class Admin:
    """The admin of one app: `Admin(app)`, then `admin.register(Model, ModelAdmin)`.

    Needs `init_db(app)` and `init_auth(app)` first: every page reads `request.db` and
    checks the signed-in user's permissions (`"<slug>.<verb>"`).
    """

    def __init__(self, app: App, url_prefix: str = "/admin", title: str = "dashkit admin"):
        missing = [name for name in ("db", "auth") if name not in app.extensions]
        if missing:
            calls = " and ".join(f"init_{name}(app)" for name in missing)
            raise ConfigError(f"Admin(app) needs {calls} to run first")
        if "admin" in app.extensions:
            raise ConfigError("this app already has an Admin")
        self.app = app
        self.title = title
        self.model_admins: dict[str, ModelAdmin] = {}
        self.cache = AdminCache()
        """What pages work out from the configuration, per explicit key (`AdminCache`);
        cleared by `register()` and whenever a role changes."""
        get_auth(app).role_listeners.append(self.cache.clear)
        self.navigation = Navigation(self.model_admins, self.cache)
        blueprint = Blueprint("admin", __name__, url_prefix=url_prefix)
        blueprint.before_request(signed_in_only)
        for install in ROUTE_INSTALLERS:
            install(blueprint)
        app.register_blueprint(blueprint)
        app.extensions["admin"] = self
        app.templates.context_processors.append(self._template_context)

    def register(self, model: type, model_admin: type[ModelAdmin] | None = None) -> ModelAdmin:
        """Serve `model` in the admin, with `model_admin`'s options (checked now)."""
        options = (model_admin or ModelAdmin)(model)
        if options.slug in self.model_admins:
            other = self.model_admins[options.slug].model.__name__
            raise OptionError(
                f"{type(options).__name__} for model {model.__name__}: option slug: "
                f"{options.slug!r} is already used by {other}; set a different slug"
            )
        self.model_admins[options.slug] = options
        self.cache.clear()
        return options

    def get(self, slug: str) -> ModelAdmin:
        """The ModelAdmin for a URL's slug; 404 when there is none."""
        model_admin = self.model_admins.get(slug)
        if model_admin is None:
            abort(404, f"No admin page is called {slug!r}.")
        return model_admin

    def for_model(self, model: type) -> ModelAdmin | None:
        """The ModelAdmin registered for a class, for links between related rows."""
        for model_admin in self.model_admins.values():
            if model_admin.model is model:
                return model_admin
        return None

    def visible(self, request: Request) -> dict[str, list[ModelAdmin]]:
        """The ModelAdmins the user may view, by category, in registration order."""
        groups = self.navigation.groups(request)
        return {category: list(items) for category, items in groups.items()}

    def _template_context(self, request: Request) -> dict[str, Any]:
        return {"admin": self}
