"""The values a form was loaded with, carried through the browser signed, for conflict checks.

An edit form holds a snapshot of the row as it was shown. On save the snapshot comes back
signed with the app's SECRET_KEY (HMAC-SHA256), so a user cannot forge "what I saw", and
bound to one model and primary key, so it cannot be replayed on another row. Large or
incomparable values (bytes, JSON documents) travel as digests.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from dashkit.errors import DashkitError


class BadOriginals(DashkitError):
    """The signed snapshot is missing, forged, or belongs to another row."""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tag(value: Any) -> Any:
    """A JSON-safe form of a column value that compares equal exactly when the values do."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return {"enum": value.name}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, time):
        return {"time": value.isoformat()}
    if isinstance(value, uuid.UUID):
        return {"uuid": str(value)}
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"sha256": _digest(bytes(value))}
    if isinstance(value, (dict, list)):
        canonical = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
        return {"json_sha256": _digest(canonical.encode())}
    raise TypeError(f"cannot snapshot a value of type {type(value).__name__}")


COMPARABLE_TAGS = {"enum", "decimal", "datetime", "date", "time", "uuid"}


def untag(tagged: Any) -> tuple[bool, Any]:
    """(True, value) for a value a WHERE clause can compare; (False, None) for digests."""
    if not isinstance(tagged, dict):
        return True, tagged
    ((kind, text),) = tagged.items()
    if kind not in COMPARABLE_TAGS:
        return False, None
    parse = {
        "enum": str,
        "decimal": Decimal,
        "datetime": datetime.fromisoformat,
        "date": date.fromisoformat,
        "time": time.fromisoformat,
        "uuid": uuid.UUID,
    }[kind]
    return True, parse(text)


def snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    """Tag every value of a row (attribute key → value); many-to-many lists are sorted."""
    tagged: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, list) and all(not isinstance(item, (dict, list)) for item in value):
            tagged[key] = sorted((tag(item) for item in value), key=repr)
        else:
            tagged[key] = tag(value)
    return tagged


def sign_originals(secret: str, model: str, pk: Sequence[Any], originals: Mapping[str, Any]) -> str:
    """A token for a hidden input carrying `originals` (a `snapshot`) of one row."""
    payload = json.dumps(
        {"m": model, "k": [tag(part) for part in pk], "v": dict(originals)},
        sort_keys=True,
        separators=(",", ":"),
    ).encode()
    body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
    return f"{body}.{_signature(secret, body)}"


def read_originals(secret: str, token: str | None, model: str, pk: Sequence[Any]) -> dict[str, Any]:
    """The snapshot inside `token`, after checking its signature, model and key."""
    payload = _payload(secret, token, model)
    if payload["k"] != [tag(part) for part in pk]:
        raise BadOriginals("the form's loaded values belong to another row; reload it")
    return dict(payload["v"])


def read_row_token(
    secret: str, token: str | None, model: str
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The primary key and snapshot inside `token`, for forms listing several rows."""
    payload = _payload(secret, token, model)
    parts = [untag(part) for part in payload["k"]]
    if not all(comparable for comparable, _ in parts):
        raise BadOriginals("the form names a row by a key that cannot be read back")
    return tuple(value for _, value in parts), dict(payload["v"])


def _payload(secret: str, token: str | None, model: str) -> dict[str, Any]:
    if not token or "." not in token:
        raise BadOriginals("the form did not carry the values it was loaded with; reload it")
    body, _, signature = token.rpartition(".")
    if not hmac.compare_digest(signature, _signature(secret, body)):
        raise BadOriginals("the form's loaded values were altered; reload it")
    payload: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    if payload["m"] != model:
        raise BadOriginals("the form's loaded values belong to another table; reload it")
    return payload


def _signature(secret: str, body: str) -> str:
    key = hashlib.sha256(b"dashkit.admin.originals:" + secret.encode()).digest()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def changed_keys(
    originals: Mapping[str, Any], current: Mapping[str, Any], keys: Iterable[str]
) -> list[str]:
    """Keys whose tagged original differs from the tagged current value."""
    now = snapshot({key: current[key] for key in keys if key in current})
    return [key for key in keys if key in originals and originals[key] != now.get(key)]
