"""Bearer tokens for API calls: shown once at creation, stored only as a SHA-256 hash."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.state import ApiToken, User, utcnow

TOKEN_PREFIX = "dk_"


def hash_token(token: str) -> str:
    """What the state database stores in place of a token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_api_token(db: Session, user: User, name: str, expires_at: datetime | None = None) -> str:
    """Create a token for `user` and return it; it cannot be shown again."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(
        ApiToken(
            user_id=user.id,
            name=name,
            token_hash=hash_token(token),
            prefix=token[:8],
            created_at=utcnow(),
            expires_at=expires_at,
        )
    )
    db.flush()
    return token


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header."""
    scheme, _, token = (authorization or "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def user_for_token(db: Session, token: str) -> User | None:
    """The active user owning a valid, unexpired, unrevoked token; marks it used."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    now = utcnow()
    record = db.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if record is None or record.revoked_at is not None:
        return None
    if record.expires_at is not None and record.expires_at <= now:
        return None
    user = db.get(User, record.user_id)
    if user is None or not user.is_active:
        return None
    record.last_used_at = now
    return user
