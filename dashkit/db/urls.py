"""Database URLs as users write them, turned into SQLAlchemy URLs with a known driver."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import sqlalchemy as sa

from dashkit.errors import ConfigError

DRIVERS = {
    "postgresql": ("psycopg", "psycopg", "postgres"),
    "mysql": ("pymysql", "pymysql", "mysql"),
    "mariadb": ("pymysql", "pymysql", "mysql"),
}
"""backend → (SQLAlchemy driver name, module to import, dashkit extra that installs it)"""

_SCHEME_ALIASES = {"postgres": "postgresql"}


def normalise_url(url: str | os.PathLike[str] | sa.URL) -> sa.URL:
    """Parse a user's URL: `postgres://` and `postgresql://` use psycopg, `mysql://` and
    `mariadb://` use pymysql, and a bare path names a SQLite file."""
    if isinstance(url, os.PathLike):
        url = os.fspath(url)
    if isinstance(url, sa.URL):
        parsed = url
    elif "://" not in url:
        parsed = sa.URL.create("sqlite", database=str(Path(url).expanduser().resolve()))
    else:
        scheme, rest = url.split("://", 1)
        scheme = _SCHEME_ALIASES.get(scheme, scheme)
        try:
            parsed = sa.make_url(f"{scheme}://{rest}")
        except sa.exc.ArgumentError:
            raise ConfigError(f"cannot parse the database URL {mask_url(url)!r}") from None
    backend = parsed.get_backend_name()
    if backend in DRIVERS and "+" not in parsed.drivername:
        parsed = parsed.set(drivername=f"{backend}+{DRIVERS[backend][0]}")
    if backend == "mariadb":
        parsed = parsed.set(drivername=parsed.drivername.replace("mariadb", "mysql", 1))
    return parsed


def check_driver(url: sa.URL) -> None:
    """Raise a ConfigError with the install command when the URL's driver is missing."""
    backend = url.get_backend_name()
    if backend not in DRIVERS:
        return
    driver, module, extra = DRIVERS[backend]
    if url.get_driver_name() == driver and importlib.util.find_spec(module) is None:
        raise ConfigError(
            f"the {backend} driver {module!r} is not installed, needed for {mask_url(url)}: "
            f"install dashkit's '{extra}' extra (pip install '.[{extra}]' in dashkit's folder)"
        )


SECRET_QUERY_KEYS = frozenset({"password", "passwd", "pwd", "pass", "sslpassword", "secret"})
"""Query-string parameters that drivers read as a password (psycopg, libpq, pymysql)."""
MASK = "***"
_PLACEHOLDER = "dashkit-masked-value"
"""Stands for *** in a query string until the URL is rendered (which would escape it)."""


def mask_url(url: str | sa.URL) -> str:
    """The URL with its password, in the user part or the query string, replaced by ***."""
    if isinstance(url, str):
        if "://" not in url:
            return url  # a SQLite file path carries no password
        try:
            url = sa.make_url(url)
        except sa.exc.ArgumentError:
            return "<unparseable URL>"
    hidden = {key: _PLACEHOLDER for key in url.query if key.lower() in SECRET_QUERY_KEYS}
    if hidden:
        url = url.update_query_dict(hidden)
    return url.render_as_string(hide_password=True).replace(_PLACEHOLDER, MASK)


def url_secrets(url: str | sa.URL) -> list[str]:
    """The passwords a URL carries, as they may appear in a driver's error message."""
    if isinstance(url, str):
        try:
            url = sa.make_url(url) if "://" in url else None
        except sa.exc.ArgumentError:
            return []
    if url is None:
        return []
    found = [url.password] if url.password else []
    for key, value in url.query.items():
        if key.lower() in SECRET_QUERY_KEYS:
            found.extend([value] if isinstance(value, str) else value)
    return [str(secret) for secret in found if secret]


def mask_secrets(text: str, url: str | sa.URL) -> str:
    """`text` (an error message, say) with every password of `url` replaced by ***."""
    for secret in sorted(url_secrets(url), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def same_database(first: sa.URL, second: sa.URL) -> bool:
    """True when two normalised URLs name the same database."""
    return first.render_as_string(hide_password=False) == second.render_as_string(
        hide_password=False
    )
