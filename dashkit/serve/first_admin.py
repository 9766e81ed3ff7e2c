"""The one-time link that lets the person at the terminal create the first admin.

`dashkit serve` prints it when the state database has no users: there are never default
credentials. The token is random, stored only as a hash, usable once and expires.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.auth import UserError, any_users, create_user, get_auth
from dashkit.http import Request, Response, redirect
from dashkit.routing import Blueprint
from dashkit.state import OneTimeToken, utcnow
from dashkit.templating import render

PURPOSE = "first-admin"
LIFETIME = timedelta(hours=24)

blueprint = Blueprint("first_admin", __name__)


def issue_first_admin_link(session: Session, base_url: str) -> str | None:
    """A fresh sign-in link when there are no users yet (earlier unused links stop working)."""
    if any_users(session):
        return None
    token = secrets.token_urlsafe(32)
    session.execute(sa.delete(OneTimeToken).where(OneTimeToken.purpose == PURPOSE))
    session.add(
        OneTimeToken(token_hash=_hash(token), purpose=PURPOSE, expires_at=utcnow() + LIFETIME)
    )
    session.commit()
    return f"{base_url.rstrip('/')}/setup?token={token}"


@blueprint.route("/setup", methods=("GET", "POST"))
def setup(request: Request) -> Response:
    """Create the first admin: only with a valid token, and only while there are no users."""
    token = request.values.get("token", "")
    db = request.state_db
    record = _usable_token(db, token)
    if record is None or any_users(db):
        return render(request, "serve/first_admin.html", usable=False, status=410)
    if request.method == "GET":
        return render(request, "serve/first_admin.html", usable=True, token=token)
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if password != request.form.get("password_again", ""):
        return _form_error(request, token, username, "The two passwords differ.")
    try:
        user = create_user(db, username, password, roles=["admin"])
    except UserError as error:
        return _form_error(request, token, username, str(error))
    record.used_at = utcnow()
    get_auth(request.app).sessions.login(request, user.id)
    return redirect(request.url_for("admin.index"))


def _form_error(request: Request, token: str, username: str, message: str) -> Response:
    return render(
        request,
        "serve/first_admin.html",
        usable=True,
        token=token,
        username=username,
        error=message,
        status=400,
    )


def _usable_token(db: Session, token: str) -> OneTimeToken | None:
    if not token:
        return None
    record = db.get(OneTimeToken, _hash(token))
    if record is None or record.purpose != PURPOSE or record.used_at is not None:
        return None
    return record if record.expires_at > utcnow() else None


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
