"""`dashkit init NAME`: write a small runnable project from the templates in `project/`."""

from __future__ import annotations

import keyword
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from string import Template

from dashkit.errors import DashkitError
from dashkit.migrations import ensure_migrations_folder

PACKAGE_PLACEHOLDER = "package"
TEMPLATE_SUFFIX = ".tmpl"


class ScaffoldError(DashkitError):
    """The project cannot be created (bad name, folder in the way)."""


def create_project(
    name: str, parent: Path, on_file: Callable[[Path], None] = lambda path: None
) -> Path:
    """Create `parent/name/` with the package `name`, its migrations and a test; return it.

    `on_file` is called with each file written, for progress output.
    """
    if not name.isidentifier() or keyword.iskeyword(name) or name != name.lower():
        raise ScaffoldError(
            f"{name!r} cannot be a Python package name: use lower-case letters, digits and "
            "underscores, starting with a letter (e.g. demo_app)"
        )
    root = parent / name
    if root.exists() and any(root.iterdir()):
        raise ScaffoldError(f"{root} already exists and is not empty; pick another name or folder")
    source = Path(str(files("dashkit.scaffold") / "project"))
    for template in sorted(source.rglob(f"*{TEMPLATE_SUFFIX}")):
        relative = template.relative_to(source).with_suffix("")
        parts = [name if part == PACKAGE_PLACEHOLDER else part for part in relative.parts]
        target = root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            Template(template.read_text(encoding="utf-8")).substitute(package=name),
            encoding="utf-8",
        )
        on_file(target)
    migrations = root / name / "migrations"
    ensure_migrations_folder(migrations)
    for shipped in ("env.py", "script.py.mako"):
        on_file(migrations / shipped)
    return root
