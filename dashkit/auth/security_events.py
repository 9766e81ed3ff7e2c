"""Security events in the audit trail: refused requests, failed and throttled sign-ins.

These are answered with errors, whose transaction is rolled back, so an event waits on
the request and is written in a transaction of its own once the response is ready.
Anyone can cause them, so each process writes at most `per_minute` of them per client
address a minute: an attack fills no table, and its first events are still on record.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from dashkit import audit
from dashkit.auth.extension import get_auth
from dashkit.db import get_database
from dashkit.http import Request, Response

if TYPE_CHECKING:
    from dashkit.app import Handler

REFUSED_CSRF = "refused_csrf"
REFUSED_PERMISSION = "refused_permission"
SIGN_IN_FAILED = "sign_in_failed"
SIGN_IN_THROTTLED = "sign_in_throttled"
logger = logging.getLogger("dashkit")
PENDING_KEY = "_security_events"
OVERFLOW = "(other addresses)"
"""Where addresses past the tracked number are counted, together."""


@dataclass
class EventLimit:
    """At most `per_minute` events per address and minute, in one process, for a bounded
    number of addresses at a time."""

    per_minute: int = 10
    max_addresses: int = 10_000
    _minute: int = -1
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allows(self, address: str) -> bool:
        """Count one event from `address`; False once its share of this minute is used."""
        minute = int(time.monotonic() // 60)
        with self._lock:
            if minute != self._minute:
                self._minute, self._counts = minute, {}
            if address not in self._counts and len(self._counts) >= self.max_addresses:
                address = OVERFLOW
            count = self._counts.get(address, 0) + 1
            self._counts[address] = count
            return count <= self.per_minute


def note_security_event(
    request: Request, action: str, summary: str, *, model: str = "", pk: str = ""
) -> None:
    """Keep an event to write once the request is answered, within the address's limit."""
    if not get_auth(request.app).event_limit.allows(request.remote_addr or ""):
        return
    pending: list[dict[str, Any]] = request.__dict__.setdefault(PENDING_KEY, [])
    pending.append({"action": action, "summary": summary, "model": model, "pk": pk})


def security_events_middleware(request: Request, call_next: Handler) -> Response:
    """Write the request's security events after its own transaction has ended."""
    response = call_next(request)
    pending = request.__dict__.get(PENDING_KEY)
    if not pending:
        return response
    user = request.__dict__.get("user")
    try:
        with get_database(request.app).state_session() as db:
            for event in pending:
                audit.record(
                    db,
                    event["action"],
                    event["model"],
                    event["pk"],
                    {},
                    summary=event["summary"],
                    user=user,
                    client_address=request.remote_addr or "",
                )
    except Exception:  # the refusal stands even when its record cannot be written
        logger.exception("could not write %d security events to the audit trail", len(pending))
    return response
