"""The secret key of a served app: generated once, kept in the state database.

Every worker and every restart reads the same key, so sessions survive both.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.state import Setting

SECRET_KEY_SETTING = "secret_key"


def stored_secret_key(engine: sa.Engine) -> str:
    """The key in the state database, created on first use (safe against concurrent starts)."""
    with Session(engine) as session:
        existing = session.get(Setting, SECRET_KEY_SETTING)
        if existing is not None:
            return existing.value
        session.add(Setting(key=SECRET_KEY_SETTING, value=secrets.token_hex(32)))
        try:
            session.commit()
        except sa.exc.IntegrityError:
            session.rollback()  # another process stored one first: use theirs
    with Session(engine) as session:
        return session.get(Setting, SECRET_KEY_SETTING).value
