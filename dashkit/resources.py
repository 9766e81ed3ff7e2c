"""Where dashkit's shipped folders (static/, templates/, migrations/) live at run time."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

SHIPPED = ("static", "templates", "migrations", "alembic.ini")


def shipped_path(name: str) -> Path:
    """Path of a top-level folder or file that the wheel places inside the package.

    An installed wheel carries it inside `dashkit/`; an editable install of a checkout
    keeps it beside the package, which the second lookup finds.
    """
    if name not in SHIPPED:
        raise ValueError(f"{name!r} is not one of dashkit's shipped resources {SHIPPED}")
    package = Path(str(files("dashkit")))
    for candidate in (package / name, package.parent / name):
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"dashkit's {name} is missing from {package}: reinstall dashkit")
