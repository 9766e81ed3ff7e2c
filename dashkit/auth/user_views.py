"""User management for admins: list, create, edit roles and active flag, reset password."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from dashkit import audit
from dashkit.auth.access import holds_all, require_permission
from dashkit.auth.extension import get_auth
from dashkit.auth.messages import flash
from dashkit.auth.permissions import MANAGE_USERS, grants
from dashkit.auth.users import (
    AUDITED_FIELDS,
    UserError,
    create_user,
    record_user_event,
    set_active,
    set_password,
    set_roles,
)
from dashkit.http import Request, Response, abort, redirect
from dashkit.state import User
from dashkit.templating import render


def user_list(request: Request) -> Response:
    """Every user, with roles, state, last login and any sign-in throttle holding them back."""
    require_permission(request, MANAGE_USERS)
    users = request.state_db.scalars(sa.select(User).order_by(User.username)).all()
    throttled = get_auth(request.app).throttle.throttled(request.state_db)
    return render(
        request, "auth/users/list.html", users=users, throttled=throttled, page_title="Users"
    )


def user_create(request: Request) -> Response:
    """Add a user with a first password and roles."""
    require_permission(request, MANAGE_USERS)
    auth = get_auth(request.app)
    values = {"username": "", "display_name": "", "email": "", "roles": ["viewer"]}
    if request.method == "POST":
        values = _submitted(request) | {"username": request.form.get("username", "")}
        roles = _known_roles(request, values["roles"])
        try:
            _check_grantable(request, roles)
            user = create_user(
                request.state_db,
                values["username"],
                request.form.get("password", ""),
                roles,
                email=values["email"],
                display_name=values["display_name"],
                hasher=auth.hasher,
                min_password_length=auth.min_password_length,
            )
        except UserError as error:
            return _form(request, None, values, str(error), 400)
        created = {field: (None, getattr(user, field)) for field in AUDITED_FIELDS}
        record_user_event(request, audit.CREATE, user, f"created {user.username}", created)
        flash(request, f"User {user.username} created.", "success")
        return redirect(request.url_for("auth.user_list"))
    return _form(request, None, values)


def user_edit(request: Request, user_id: int) -> Response:
    """Change a user's name, email, roles and active flag."""
    user = _managed_user(request, user_id)
    if request.method == "GET":
        return _form(request, user, _stored(user))
    values = _submitted(request) | {"is_active": request.form.get("is_active") == "on"}
    roles = _known_roles(request, values["roles"])
    try:
        _check_grantable(request, roles)
    except UserError as error:
        return _form(request, user, values, str(error), 400)
    if user.id == request.user.id and (
        not values["is_active"] or not _roles_grant(request, roles, MANAGE_USERS)
    ):
        message = "You cannot disable yourself or remove your own right to manage users."
        return _form(request, user, values, message, 400)
    before = {field: getattr(user, field) for field in AUDITED_FIELDS}
    user.display_name = values["display_name"] or user.username
    user.email = values["email"] or None
    set_roles(request.state_db, user, roles)
    if before["roles"] != user.roles:
        get_auth(request.app).roles_changed()
    set_active(request.state_db, user, values["is_active"])
    changes = {
        field: (old, getattr(user, field))
        for field, old in before.items()
        if old != getattr(user, field)
    }
    if changes:
        record_user_event(request, audit.UPDATE, user, f"edited {user.username}", changes)
    flash(request, f"User {user.username} saved.", "success")
    return redirect(request.url_for("auth.user_list"))


def user_reset_password(request: Request, user_id: int) -> Response:
    """Give a user a new password; all of their sessions end."""
    user = _managed_user(request, user_id)
    auth = get_auth(request.app)
    try:
        set_password(
            request.state_db,
            user,
            request.form.get("password", ""),
            hasher=auth.hasher,
            min_password_length=auth.min_password_length,
        )
    except UserError as error:
        return _form(request, user, _stored(user), str(error), 400)
    if user.id == request.user.id:
        auth.sessions.login(request, user.id)
    record_user_event(request, "password_reset", user, f"reset the password of {user.username}")
    flash(request, f"Password of {user.username} reset; their sessions have ended.", "success")
    return redirect(request.url_for("auth.user_edit", user_id=user.id))


def user_clear_throttle(request: Request, user_id: int) -> Response:
    """Forget a user's failed sign-ins, so that they may sign in again at once."""
    user = _managed_user(request, user_id)
    cleared = get_auth(request.app).throttle.clear(request.state_db, user.username)
    summary = f"cleared the sign-in throttle of {user.username} ({cleared} failed attempts)"
    record_user_event(request, "throttle_clear", user, summary)
    flash(request, f"{user.username} may sign in again.", "success")
    return redirect(request.url_for("auth.user_list"))


def _managed_user(request: Request, user_id: int) -> User:
    """The user to change: it exists, and the manager holds every permission it has."""
    require_permission(request, MANAGE_USERS)
    user = request.state_db.get(User, user_id) or abort(404, "There is no such user.")
    patterns = get_auth(request.app).roles.patterns_for(lambda: request.state_db, user.roles or ())
    if not holds_all(request, patterns):
        abort(403, f"{user.username} has permissions you lack, so you cannot change the account.")
    return user


def _check_grantable(request: Request, roles: list[str]) -> None:
    """Raise UserError naming the roles that grant more than the manager holds."""
    catalog = get_auth(request.app).roles
    beyond = [
        role
        for role in roles
        if not holds_all(request, catalog.patterns_for(lambda: request.state_db, [role]))
    ]
    if beyond:
        raise UserError(
            "You can only grant roles whose permissions you have yourself, not: "
            f"{', '.join(beyond)}."
        )


def _roles_grant(request: Request, roles: list[str], permission: str) -> bool:
    return grants(
        get_auth(request.app).roles.patterns_for(lambda: request.state_db, roles), permission
    )


def _stored(user: User) -> dict[str, Any]:
    return {
        "display_name": user.display_name,
        "email": user.email or "",
        "roles": list(user.roles or ()),
        "is_active": user.is_active,
    }


def _submitted(request: Request) -> dict[str, Any]:
    return {
        "display_name": request.form.get("display_name", "").strip(),
        "email": request.form.get("email", "").strip(),
        "roles": request.form.getlist("roles"),
    }


def _known_roles(request: Request, roles: list[str]) -> list[str]:
    known = get_auth(request.app).roles.names(request.state_db)
    return [role for role in roles if role in known]


def _form(
    request: Request,
    user: User | None,
    values: dict[str, Any],
    error: str | None = None,
    status: int = 200,
) -> Response:
    roles = get_auth(request.app).roles.names(request.state_db)
    title = f"User {user.username}" if user is not None else "New user"
    return render(
        request,
        "auth/users/form.html",
        status=status,
        user=user,
        values=values,
        error=error,
        all_roles=roles,
        page_title=title,
    )


ROUTES: list[tuple[str, Callable[..., Response], tuple[str, ...]]] = [
    ("/users/", user_list, ("GET",)),
    ("/users/new", user_create, ("GET", "POST")),
    ("/users/<int:user_id>", user_edit, ("GET", "POST")),
    ("/users/<int:user_id>/password", user_reset_password, ("POST",)),
    ("/users/<int:user_id>/throttle", user_clear_throttle, ("POST",)),
]
