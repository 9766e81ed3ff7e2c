"""The audit trail: who changed what and when, with the before and after values.

Events go through `request.state_db` (the state database's session), which is the data
session itself when both databases are one, so an event commits or rolls back together
with the write it describes.
"""

from __future__ import annotations

import enum
import hashlib
import uuid
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.state import AuditEvent

if TYPE_CHECKING:
    from dashkit.http import Request

CREATE, UPDATE, DELETE = "create", "update", "delete"


def json_value(value: Any) -> Any:
    """A JSON form of a column value for the trail; bytes are recorded by size and digest."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, (Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, dict):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_value(item) for item in value]
    return str(value)


def record(
    target: Request | Session,
    action: str,
    model: str,
    pk: str,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    summary: str = "",
    user: Any = None,
    client_address: str = "",
) -> AuditEvent:
    """Add one event for `action` on row `pk` of `model`; `changes` maps field → (before, after).

    With a request, the session is `request.state_db`, the user `request.user` and the
    address the client's; with a bare session (scripts, CLI) pass them if there are any.
    """
    if isinstance(target, Session):
        session = target
    else:
        session = target.state_db
        user = user if user is not None else getattr(target, "user", None)
        client_address = target.remote_addr or ""
    event = AuditEvent(
        user_id=getattr(user, "id", None),
        username=getattr(user, "username", "") or "",
        action=action,
        model=model,
        object_pk=pk,
        changes={
            key: {"before": json_value(before), "after": json_value(after)}
            for key, (before, after) in changes.items()
        },
        summary=summary[:255],
        client_address=client_address[:45],
    )
    session.add(event)
    return event


def history(session: Session, model: str, pk: str, *, limit: int = 20) -> list[AuditEvent]:
    """The latest events of one row, newest first."""
    statement = (
        sa.select(AuditEvent)
        .where(AuditEvent.model == model, AuditEvent.object_pk == pk)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    return list(session.scalars(statement))
