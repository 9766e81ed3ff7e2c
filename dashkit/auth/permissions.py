"""Roles and permissions: `"<resource>.<verb>"` strings granted by wildcard patterns.

Verbs are `view`, `add`, `change`, `delete`, `export` or a custom action name. A role
grants patterns such as `"*.view"`, `"order.*"` or `"order.refund"`; `"*"` grants all.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.config import Config
from dashkit.errors import ConfigError
from dashkit.state import Role

VERBS = ("view", "add", "change", "delete", "export")
MANAGE_USERS = "dashkit.manage_users"
VIEW_AUDIT = "dashkit.view_audit"
BUILTIN_ROLES: dict[str, tuple[str, ...]] = {
    "admin": ("*",),
    "editor": ("*.view", "*.add", "*.change", "*.export"),
    "viewer": ("*.view",),
}


def pattern_matches(pattern: str, permission: str) -> bool:
    """True when a granted `pattern` covers the asked-for `permission`."""
    if pattern == "*":
        return True
    resource_pattern, _, verb_pattern = pattern.rpartition(".")
    resource, _, verb = permission.rpartition(".")
    if not resource_pattern or not resource:
        return False
    return resource_pattern in ("*", resource) and verb_pattern in ("*", verb)


def grants(patterns: Iterable[str], permission: str) -> bool:
    """True when any of `patterns` covers `permission`."""
    return any(pattern_matches(pattern, permission) for pattern in patterns)


class RoleCatalog:
    """The roles an app knows: built-in, from config `ROLES`, and `dashkit_roles` rows."""

    def __init__(self, configured: Mapping[str, Iterable[str]] | None = None):
        self.configured: dict[str, tuple[str, ...]] = {}
        for name, patterns in (configured or {}).items():
            if name in BUILTIN_ROLES:
                raise ConfigError(f"ROLES: {name!r} is a built-in role and cannot be redefined")
            if isinstance(patterns, str):
                raise ConfigError(
                    f"ROLES[{name!r}] must be a list of permission patterns, not a string"
                )
            self.configured[name] = tuple(patterns)

    @classmethod
    def from_config(cls, config: Config) -> RoleCatalog:
        """Roles from the `ROLES` setting: a mapping, or JSON text (from the environment)."""
        value = config.get("ROLES")
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ConfigError(
                    f'ROLES must be JSON like {{"refunder": ["order.refund"]}} '
                    f"(from {config.source_of('ROLES')})"
                ) from None
        if value is not None and not isinstance(value, Mapping):
            raise ConfigError("ROLES must map role names to lists of permission patterns")
        return cls(value)

    def patterns_for(self, db: Callable[[], Session], role_names: Iterable[str]) -> frozenset[str]:
        """Every pattern granted by `role_names`; unknown roles grant nothing.

        `db` gives the state session; it is called only for roles stored in the database,
        so a user of built-in or configured roles costs no session.
        """
        patterns: set[str] = set()
        stored: list[str] = []
        for name in role_names:
            known = BUILTIN_ROLES.get(name) or self.configured.get(name)
            if known is not None:
                patterns.update(known)
            else:
                stored.append(name)
        if stored:
            rows = db().scalars(sa.select(Role).where(Role.name.in_(stored)))
            for role in rows:
                patterns.update(role.permissions or ())
        return frozenset(patterns)

    def names(self, db: Session) -> list[str]:
        """All role names, built-in first, for forms and the CLI."""
        stored = db.scalars(sa.select(Role.name).order_by(Role.name)).all()
        extra = [name for name in [*self.configured, *stored] if name not in BUILTIN_ROLES]
        return [*BUILTIN_ROLES, *dict.fromkeys(extra)]
