"""Enforcing sign-in and permissions in views: checks, `require_*`, and decorators.

An anonymous browser is sent to the login page; API and htmx callers get 401 JSON
(htmx also gets `HX-Redirect` to the login page). A signed-in user lacking a
permission gets 403 with a page naming the permission.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

from werkzeug.exceptions import HTTPException

from dashkit.auth.next_url import safe_next_url
from dashkit.auth.permissions import grants
from dashkit.auth.security_events import REFUSED_PERMISSION, note_security_event
from dashkit.auth.signed_in import SignedInUser
from dashkit.http import Request, Response, json_response, redirect
from dashkit.templating import render

F = TypeVar("F", bound=Callable[..., Any])
FORBIDDEN_TEMPLATE = "auth/forbidden.html"


def has_permission(request: Request, permission: str) -> bool:
    """True when the signed-in user's roles grant `permission` (e.g. "order.change")."""
    if request.user is None:
        return False
    return grants(request.permissions, permission)


def holds_all(request: Request, patterns: Iterable[str]) -> bool:
    """True when the user's own permissions cover every one of `patterns`.

    Whoever manages users or roles hands out only what they hold themselves, so a
    user manager cannot make anyone, themselves included, an admin.
    """
    granted = request.permissions
    return all(grants(granted, pattern) for pattern in patterns)


def require_login(request: Request) -> SignedInUser:
    """The signed-in user; otherwise stop with a login redirect or 401."""
    user: SignedInUser | None = request.user
    if user is None:
        raise HTTPException(response=login_challenge(request))
    return user


def require_permission(request: Request, permission: str) -> None:
    """Stop the view unless the user may do `permission`: login first, else 403."""
    require_login(request)
    if not has_permission(request, permission):
        raise HTTPException(response=forbidden(request, permission))


def login_required(view: F) -> F:
    """Decorator: the view runs only for a signed-in user."""

    @functools.wraps(view)
    def guarded(request: Request, *args: Any, **kwargs: Any) -> Any:
        require_login(request)
        return view(request, *args, **kwargs)

    return guarded  # type: ignore[return-value]


def permission_required(permission: str) -> Callable[[F], F]:
    """Decorator: the view runs only for a user granted `permission`."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def guarded(request: Request, *args: Any, **kwargs: Any) -> Any:
            require_permission(request, permission)
            return view(request, *args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def login_url(request: Request, next_path: str | None) -> str:
    """The login page, coming back to `next_path` when that is a local path."""
    url = request.url_for("auth.login")
    safe = safe_next_url(next_path)
    return f"{url}?{urlencode({'next': safe})}" if safe else url


def login_challenge(request: Request) -> Response:
    """What an anonymous caller gets where sign-in is required."""
    if request.is_htmx or request.wants_json:
        headers: dict[str, str] = {}
        if request.is_htmx:  # htmx follows HX-Redirect, back to the page the user was on
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            target = login_url(
                request, current.path + (f"?{current.query}" if current.query else "")
            )
            headers["HX-Redirect"] = target
        else:
            target = login_url(request, None)
        body = {
            "error": "Unauthorized",
            "status": 401,
            "detail": "Sign in first.",
            "login_url": target,
        }
        response = json_response(body, status=401, headers=headers)
    else:
        response = redirect(login_url(request, request.full_path.rstrip("?")))
    response.vary.add("HX-Request")
    response.headers["Cache-Control"] = "no-store"
    return response


def forbidden(request: Request, permission: str) -> Response:
    """403 naming the missing permission."""
    note_security_event(
        request,
        REFUSED_PERMISSION,
        f"{request.method} {request.path}: lacks {permission}"[:255],
    )
    detail = f"Your account lacks the permission {permission!r}. Ask an administrator for it."
    if request.wants_json or request.is_htmx:
        body = {
            "error": "Forbidden",
            "status": 403,
            "detail": detail,
            "missing_permission": permission,
        }
        response = json_response(body, status=403)
    else:
        response = render(
            request, FORBIDDEN_TEMPLATE, status=403, permission=permission, detail=detail
        )
    response.vary.add("HX-Request")
    return response
