"""Where `dashkit serve` keeps its own files: state databases, the reflection cache, the demo."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import sqlalchemy as sa

from dashkit.db import normalise_url
from dashkit.private_files import private_directory


def dashkit_home() -> Path:
    """`DASHKIT_HOME`, or `~/.dashkit`."""
    configured = os.environ.get("DASHKIT_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".dashkit"


def default_state_url(data_url: str | sa.URL) -> str:
    """A SQLite state file per served database, so serving writes nothing into the database.

    The file name shows which database it belongs to: `state/shop-1a2b3c4d.sqlite`.
    """
    url = normalise_url(data_url)
    identity = url.set(password=None).render_as_string(hide_password=False)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:8]
    name = Path(url.database or "memory").stem
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")[:40] or "database"
    folder = private_directory(dashkit_home() / "state")
    return f"sqlite:///{folder / f'{readable}-{digest}.sqlite'}"


def cache_dir() -> Path:
    """Where reflected metadata is cached between runs (a folder of the owner's alone)."""
    return private_directory(dashkit_home() / "cache")


def sqlite_file(url: str | sa.URL) -> Path | None:
    """The file of a SQLite URL; None for other databases and in-memory SQLite."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database.removeprefix("file:").split("?")[0])
