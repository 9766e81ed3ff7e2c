"""The per-app authentication objects `init_auth` keeps in `app.extensions["auth"]`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashkit.errors import ConfigError

if TYPE_CHECKING:
    from dashkit.app import App
    from dashkit.auth.passwords import PasswordHasher
    from dashkit.auth.permissions import RoleCatalog
    from dashkit.auth.security_events import EventLimit
    from dashkit.auth.sessions import SessionStore
    from dashkit.auth.throttle import LoginThrottle


@dataclass
class Auth:
    """Sessions, password hashing, throttling, roles and the security event limit of one app."""

    sessions: SessionStore
    hasher: PasswordHasher
    throttle: LoginThrottle
    roles: RoleCatalog
    min_password_length: int
    home_endpoint: str
    event_limit: EventLimit
    menu_urls: dict[str, dict[str, str]] = field(default_factory=dict)
    """The user menu's URLs per mount point, built once each (see `install._template_context`)."""
    role_listeners: list[Callable[[], None]] = field(default_factory=list)
    """Called after a role's permissions or a user's roles change (the Admin clears its cache)."""

    def roles_changed(self) -> None:
        """Tell the listeners that what some user is granted changed.

        Whatever is kept per permission set already has the set in its key, so this is
        a second line of defence that also frees what no user will ask for again.
        """
        for listener in self.role_listeners:
            listener()


def get_auth(app: App) -> Auth:
    """The Auth object `init_auth` attached to `app`."""
    try:
        return app.extensions["auth"]
    except KeyError:
        raise ConfigError("this app has no authentication: call init_auth(app) first") from None
