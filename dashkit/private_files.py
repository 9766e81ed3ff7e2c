"""Files only their owner may read: state databases, caches and generated keys.

They hold password hashes, the secret key that signs sessions, or a database's
schema, so dashkit creates them, and the folders they live in, with the umask 077:
folders 0700, files 0600. SQLite gives a database's -wal, -shm and -journal files the
mode of the database file, so they follow once the database was created this way.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PRIVATE_UMASK = 0o077
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


@contextmanager
def private_umask() -> Iterator[None]:
    """Files and folders created inside are the owner's alone (the umask is per process:
    use it at start-up, not while other threads serve requests)."""
    previous = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(previous)


def private_directory(path: Path) -> Path:
    """Create `path` and any missing parents as 0700 folders; return it."""
    with private_umask():
        path.mkdir(parents=True, exist_ok=True)
    return path


def exposed_files(database: Path) -> list[Path]:
    """The files of a SQLite database (with -wal, -shm, -journal) that others may read."""
    found = []
    for suffix in SQLITE_COMPANIONS:
        path = database.with_name(database.name + suffix)
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            continue
        if mode & (stat.S_IRGRP | stat.S_IROTH):
            found.append(path)
    return found
