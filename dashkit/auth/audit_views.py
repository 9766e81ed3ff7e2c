"""The audit trail screen: the latest events, newest first, filtered by kind of action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from dashkit import audit
from dashkit.auth.access import require_permission
from dashkit.auth.permissions import VIEW_AUDIT
from dashkit.auth.security_events import (
    REFUSED_CSRF,
    REFUSED_PERMISSION,
    SIGN_IN_FAILED,
    SIGN_IN_THROTTLED,
)
from dashkit.http import Request, Response
from dashkit.state import AuditEvent
from dashkit.templating import render

PAGE_SIZE = 100
ACTIONS: dict[str, str] = {
    audit.CREATE: "Rows and users created",
    audit.UPDATE: "Rows and users changed",
    audit.DELETE: "Rows and users deleted",
    "sign_in": "Sign-ins",
    "sign_out": "Sign-outs",
    SIGN_IN_FAILED: "Failed sign-ins",
    SIGN_IN_THROTTLED: "Throttled sign-ins",
    "throttle_clear": "Sign-in throttles cleared",
    "password_change": "Own password changed",
    "password_reset": "Passwords reset",
    REFUSED_CSRF: "Refused: security token",
    REFUSED_PERMISSION: "Refused: permission",
}
"""The kinds of action a visitor may filter by, with their labels."""


@dataclass(frozen=True)
class AuditPage:
    """One page of events, the filter it was asked for and the link to older events."""

    events: list[AuditEvent]
    action: str
    actions: dict[str, str]
    older_url: str | None


def audit_page(request: Request) -> AuditPage:
    """The events the query string asks for: `action` (one of ACTIONS) and `before` (an id)."""
    action = request.args.get("action", "")
    action = action if action in ACTIONS else ""
    before = request.args.get("before", "")
    statement = sa.select(AuditEvent).order_by(AuditEvent.id.desc()).limit(PAGE_SIZE + 1)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if before.isdigit() and len(before) < 19:
        statement = statement.where(AuditEvent.id < int(before))
    events = list(request.state_db.scalars(statement))
    older_url = None
    if len(events) > PAGE_SIZE:
        events = events[:PAGE_SIZE]
        query = {"before": events[-1].id} | ({"action": action} if action else {})
        older_url = request.url_for("auth.audit_trail", **query)
    return AuditPage(events, action, ACTIONS, older_url)


def audit_trail(request: Request) -> Response:
    """The audit trail, for users granted dashkit.view_audit."""
    require_permission(request, VIEW_AUDIT)
    return render(request, "auth/audit.html", page=audit_page(request), page_title="Audit trail")


ROUTES: list[tuple[str, Callable[..., Response], tuple[str, ...]]] = [
    ("/audit/", audit_trail, ("GET",)),
]
