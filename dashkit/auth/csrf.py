"""CSRF protection: a per-session token checked on every unsafe method.

The token is an HMAC of the session id, which the state database stores only hashed,
so the token is never stored in clear either. Requests authenticated by an API token
(`Authorization: Bearer ...`) carry no cookie credentials and are exempt. An htmx
request that fails the check without a signed-in user (its session expired) is sent to
the sign-in page, as an htmx GET is, rather than shown a security error.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from dashkit.auth.access import login_challenge
from dashkit.auth.security_events import REFUSED_CSRF, note_security_event
from dashkit.http import Request, Response, json_response
from dashkit.templating import render

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
"""Methods that must not change anything; every other method (PURGE, PROPPATCH...) is checked."""
FIELD_NAME = "csrf_token"
HEADER_NAME = "X-CSRF-Token"
FAILURE_TEMPLATE = "auth/csrf_failure.html"


def derive_csrf_token(secret_key: str, session_id: str, salt: str) -> str:
    """The CSRF token of one session: HMAC-SHA256 of its id and salt under the secret key."""
    message = f"csrf\x00{session_id}\x00{salt}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def tokens_match(expected: str | None, submitted: str | None) -> bool:
    """Constant-time comparison; a missing or non-ASCII value never matches."""
    if not expected or not submitted or not submitted.isascii():
        return False
    return hmac.compare_digest(expected.encode("ascii"), submitted.encode("ascii"))


def submitted_token(request: Request) -> str | None:
    """The token sent with the request: the htmx header, else the form field."""
    header = request.headers.get(HEADER_NAME)
    if header:
        return header
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.form.get(FIELD_NAME)
    return None


def is_token_authenticated(request: Request) -> bool:
    """True for API calls carrying a bearer token instead of the session cookie."""
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def csrf_middleware(
    expected_token: Callable[[Request], str | None],
) -> Callable[[Request, Callable[[Request], Response]], Response]:
    """Middleware refusing unsafe requests whose token differs from `expected_token(request)`."""

    def check_csrf(request: Request, call_next: Callable[[Request], Response]) -> Response:
        if (
            request.method not in SAFE_METHODS
            and not is_token_authenticated(request)
            and not tokens_match(expected_token(request), submitted_token(request))
        ):
            return csrf_failure(request)
        return call_next(request)

    return check_csrf


def csrf_failure(request: Request) -> Response:
    """403: the form's security token is missing, wrong or from another session.

    An htmx caller without a signed-in user gets the sign-in challenge instead: its
    token was most likely that of a session which has since ended.
    """
    if request.is_htmx and request.user is None:
        return login_challenge(request)
    note_security_event(
        request, REFUSED_CSRF, f"{request.method} {request.path}: CSRF check failed"[:255]
    )
    reason = "The security token of this form is missing, wrong or expired."
    if request.wants_json or request.is_htmx:
        return json_response({"error": "CSRF check failed", "status": 403, "detail": reason}, 403)
    return render(request, FAILURE_TEMPLATE, status=403, reason=reason)
