"""The `auth` blueprint: login, logout and the account page; user management is in user_views."""

from __future__ import annotations

import math

from dashkit.auth import audit_views, role_views, user_views
from dashkit.auth.access import login_required, require_login
from dashkit.auth.extension import get_auth
from dashkit.auth.messages import flash
from dashkit.auth.next_url import safe_next_url
from dashkit.auth.security_events import SIGN_IN_FAILED, SIGN_IN_THROTTLED, note_security_event
from dashkit.auth.signed_in import SignedInUser
from dashkit.auth.usernames import username_key
from dashkit.auth.users import (
    USERS_MODEL,
    UserError,
    authenticate,
    record_user_event,
    set_password,
)
from dashkit.errors import UrlBuildError
from dashkit.http import Request, Response, redirect
from dashkit.request_limits import body_limit
from dashkit.routing import Blueprint
from dashkit.state import User, utcnow
from dashkit.templating import render

blueprint = Blueprint("auth", __name__)

LOGIN_FAILED = "Wrong username or password."
LOGIN_BODY_LIMIT = 16 * 1024
"""A username, a password and two tokens fit many times over; anything larger is refused unread."""


@blueprint.route("/login", methods=("GET", "POST"))
@body_limit(LOGIN_BODY_LIMIT)
def login(request: Request) -> Response:
    """Sign in; on success go to `next` when it is a local path, else the home page."""
    next_url = safe_next_url(request.values.get("next"))
    if request.method == "GET":
        if request.user is not None:
            return redirect(next_url or home_url(request))
        return _login_page(request, next_url)
    auth = get_auth(request.app)
    db = request.state_db
    typed = request.form.get("username", "").strip()[:150]
    username = username_key(typed)
    password = request.form.get("password", "")
    if not username or not password:
        return _login_page(request, next_url, typed, "Enter your username and password.", 400)
    if "\x00" in username:  # names no account; PostgreSQL would refuse even to look it up
        return _login_page(request, next_url, "", LOGIN_FAILED, 200)
    address = request.remote_addr or ""
    blocked_for = auth.throttle.reserve(db, username, address)
    if blocked_for is not None:
        minutes = max(1, math.ceil(blocked_for.total_seconds() / 60))
        unit = "minute" if minutes == 1 else "minutes"
        message = f"Too many failed sign-in attempts. Try again in {minutes} {unit}."
        note_security_event(
            request, SIGN_IN_THROTTLED, f"sign-in as {username} held back", model=USERS_MODEL
        )
        response = _login_page(request, next_url, typed, message, 429)
        response.headers["Retry-After"] = str(math.ceil(blocked_for.total_seconds()))
        return response
    user = authenticate(db, typed, password, auth.hasher)
    if user is None:  # the failure was recorded (and committed) by reserve()
        note_security_event(
            request, SIGN_IN_FAILED, f"failed sign-in as {username}", model=USERS_MODEL
        )
        return _login_page(request, next_url, typed, LOGIN_FAILED, 200)
    auth.throttle.record_success(db, username, address)
    auth.throttle.purge(db)
    auth.sessions.purge_expired(db)
    user.last_login_at = utcnow()
    auth.sessions.login(request, user.id)
    request.__dict__["user"] = SignedInUser.of(user)
    request.__dict__.pop("permissions", None)
    record_user_event(request, "sign_in", user, f"{user.username} signed in")
    return redirect(next_url or home_url(request))


@blueprint.route("/logout", methods=("POST",))
def logout(request: Request) -> Response:
    """End the session (POST only, so a link or image cannot sign anyone out)."""
    if request.user is not None:
        record_user_event(request, "sign_out", request.user, f"{request.user.username} signed out")
    get_auth(request.app).sessions.end(request)
    flash(request, "You have been signed out.", "success")
    return redirect(request.url_for("auth.login"))


@blueprint.route("/account")
@login_required
def account(request: Request) -> Response:
    """The signed-in user's page: change password, sign out other sessions."""
    return _account_page(request)


@blueprint.route("/account/password", methods=("POST",))
def change_password(request: Request) -> Response:
    """Change one's own password; every other session of the account ends."""
    user = request.state_db.get(User, require_login(request).id)
    auth = get_auth(request.app)
    current = request.form.get("current_password", "")
    new = request.form.get("new_password", "")
    if not auth.hasher.verify(current, user.password_hash):
        return _account_page(request, "The current password is not correct.", 400)
    if new != request.form.get("confirm_password", ""):
        return _account_page(request, "The new passwords do not match.", 400)
    try:
        set_password(
            request.state_db,
            user,
            new,
            hasher=auth.hasher,
            min_password_length=auth.min_password_length,
        )
    except UserError as error:
        return _account_page(request, str(error), 400)
    auth.sessions.login(request, user.id)
    record_user_event(request, "password_change", user, f"{user.username} changed their password")
    flash(request, "Password changed. Your other sessions have been signed out.", "success")
    return redirect(request.url_for("auth.account"))


@blueprint.route("/account/sessions", methods=("POST",))
def end_other_sessions(request: Request) -> Response:
    """Sign out every other browser where this account is signed in."""
    require_login(request)
    ended = get_auth(request.app).sessions.end_other_sessions(request)
    flash(request, f"Signed out {ended} other session{'s' if ended != 1 else ''}.", "success")
    return redirect(request.url_for("auth.account"))


def home_url(request: Request) -> str:
    """Where a successful login goes without a `next`: the HOME_ENDPOINT page, else "/"."""
    try:
        return request.url_for(get_auth(request.app).home_endpoint)
    except UrlBuildError:
        return "/"


def _login_page(
    request: Request,
    next_url: str | None,
    username: str = "",
    error: str | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "auth/login.html",
        status=status,
        next=next_url,
        username=username,
        error=error,
        page_title="Sign in",
    )


def _account_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    auth = get_auth(request.app)
    return render(
        request,
        "auth/account.html",
        status=status,
        error=error,
        page_title="Your account",
        min_password_length=auth.min_password_length,
    )


for _rule, _view, _methods in [*user_views.ROUTES, *role_views.ROUTES, *audit_views.ROUTES]:
    blueprint.add_url_rule(_rule, view=_view, methods=_methods)
