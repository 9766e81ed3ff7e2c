"""Where `dashkit serve` keeps its own files: state databases, the reflection cache, the demo."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import sqlalchemy as sa

from dashkit.db import normalise_url


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
    path = dashkit_home() / "state" / f"{readable}-{digest}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def cache_dir() -> Path:
    """Where reflected metadata is cached between runs."""
    return dashkit_home() / "cache"
