"""API bearer tokens: stored hashed, refused when expired, revoked or the user is disabled."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from dashkit.auth.api_tokens import bearer_token, create_api_token, hash_token, user_for_token
from dashkit.state import ApiToken, User, utcnow


@pytest.fixture
def db(auth_app):
    with auth_app.state_session() as session:
        yield session


def _eddie(db) -> User:
    return db.scalar(sa.select(User).where(User.username == "eddie"))


def test_token_is_shown_once_and_stored_hashed(db):
    token = create_api_token(db, _eddie(db), "ci")
    record = db.scalar(sa.select(ApiToken))
    assert record.token_hash == hash_token(token) and token not in record.token_hash
    assert user_for_token(db, token).username == "eddie"
    assert record.last_used_at is not None


@pytest.mark.parametrize("problem", ["expired", "revoked", "disabled", "unknown"])
def test_unusable_tokens_name_nobody(db, problem):
    expires = utcnow() - timedelta(seconds=1) if problem == "expired" else None
    token = create_api_token(db, _eddie(db), "ci", expires_at=expires)
    if problem == "revoked":
        db.scalar(sa.select(ApiToken)).revoked_at = utcnow()
    if problem == "disabled":
        _eddie(db).is_active = False
    if problem == "unknown":
        token = token[:-2] + "xx"
    assert user_for_token(db, token) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer dk_abc", "dk_abc"),
        ("bearer  dk_abc ", "dk_abc"),
        ("Basic abc", None),
        ("Bearer ", None),
        (None, None),
    ],
)
def test_bearer_header_parsing(header, expected):
    assert bearer_token(header) == expected
