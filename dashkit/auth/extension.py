"""The per-app authentication objects `init_auth` keeps in `app.extensions["auth"]`."""

from __future__ import annotations

from dataclasses import dataclass
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


def get_auth(app: App) -> Auth:
    """The Auth object `init_auth` attached to `app`."""
    try:
        return app.extensions["auth"]
    except KeyError:
        raise ConfigError("this app has no authentication: call init_auth(app) first") from None
