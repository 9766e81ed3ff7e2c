"""Custom roles for admins: the `dashkit_roles` table, one permission pattern per line."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa

from dashkit import audit
from dashkit.auth.access import holds_all, require_permission
from dashkit.auth.extension import get_auth
from dashkit.auth.messages import flash
from dashkit.auth.permissions import BUILTIN_ROLES, MANAGE_USERS
from dashkit.http import Request, Response, abort, redirect
from dashkit.state import Role
from dashkit.templating import render

ROLES_MODEL = "dashkit_roles"
_NAME = re.compile(r"[a-z][a-z0-9_\-]{0,63}")
_PATTERN = re.compile(r"\*|[\w\-.]*[\w\-]\.(\*|[\w\-]+)|\*\.[\w\-]+")


def role_list(request: Request) -> Response:
    """Built-in, configured and stored roles, with what each grants."""
    require_permission(request, MANAGE_USERS)
    stored = request.state_db.scalars(sa.select(Role).order_by(Role.name)).all()
    fixed = {**BUILTIN_ROLES, **get_auth(request.app).roles.configured}
    return render(request, "auth/roles/list.html", fixed=fixed, stored=stored, page_title="Roles")


def role_edit(request: Request, name: str | None = None) -> Response:
    """Create a role (no `name`) or change or delete a stored one."""
    require_permission(request, MANAGE_USERS)
    db = request.state_db
    role = (
        None
        if name is None
        else (db.get(Role, name) or abort(404, "There is no such stored role."))
    )
    values = {
        "name": role.name if role else "",
        "description": role.description if role else "",
        "permissions": "\n".join(role.permissions or ()) if role else "",
    }
    if request.method == "GET":
        return _form(request, role, values)
    if role is not None and not holds_all(request, role.permissions or ()):
        abort(403, f"The role {role.name} grants permissions you lack, so you cannot change it.")
    if role is not None and request.form.get("delete") == "1":
        db.delete(role)
        get_auth(request.app).roles_changed()
        audit.record(
            request, audit.DELETE, ROLES_MODEL, role.name, {}, summary=f"deleted role {role.name}"
        )
        flash(request, f"Role {role.name} deleted.", "success")
        return redirect(request.url_for("auth.role_list"))
    values = {key: request.form.get(key, "").strip() for key in values}
    patterns = [line.strip() for line in values["permissions"].splitlines() if line.strip()]
    error = _problem(request, role, values["name"], patterns)
    if error:
        return _form(request, role, values, error, 400)
    if role is None:
        role = Role(name=values["name"])
        db.add(role)
    before = {"description": role.description, "permissions": role.permissions}
    role.description = values["description"][:255]
    role.permissions = patterns
    get_auth(request.app).roles_changed()
    changes = {
        key: (old, getattr(role, key)) for key, old in before.items() if old != getattr(role, key)
    }
    action = audit.CREATE if name is None else audit.UPDATE
    audit.record(
        request, action, ROLES_MODEL, role.name, changes, summary=f"saved role {role.name}"
    )
    flash(request, f"Role {role.name} saved.", "success")
    return redirect(request.url_for("auth.role_list"))


def _problem(request: Request, role: Role | None, name: str, patterns: list[str]) -> str | None:
    if role is None:
        if not _NAME.fullmatch(name):
            return "A role name starts with a letter and has only a-z, 0-9, _ and - (64 at most)."
        if name in BUILTIN_ROLES or name in get_auth(request.app).roles.configured:
            return f"{name!r} is a built-in or configured role; choose another name."
        if request.state_db.get(Role, name) is not None:
            return f"A role named {name!r} already exists."
    bad = [pattern for pattern in patterns if not _PATTERN.fullmatch(pattern)]
    if bad:
        return (
            f"Not a permission pattern: {', '.join(bad)}. Write resource.verb, *.verb or resource.*"
        )
    beyond = [pattern for pattern in patterns if not holds_all(request, [pattern])]
    if beyond:
        return f"A role can only grant permissions you have yourself, not: {', '.join(beyond)}."
    return None


def _form(
    request: Request,
    role: Role | None,
    values: dict[str, str],
    error: str | None = None,
    status: int = 200,
) -> Response:
    title = f"Role {role.name}" if role else "New role"
    return render(
        request,
        "auth/roles/form.html",
        status=status,
        role=role,
        values=values,
        error=error,
        page_title=title,
    )


ROUTES: list[tuple[str, Callable[..., Response], tuple[str, ...]]] = [
    ("/users/roles/", role_list, ("GET",)),
    ("/users/roles/new", role_edit, ("GET", "POST")),
    ("/users/roles/<name>", role_edit, ("GET", "POST")),
]
