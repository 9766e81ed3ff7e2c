"""Login throttling per account and per client address, kept in the state database.

Because the counts live in the shared state database, every worker on every machine
sees the same failures. After `max_failures` failed attempts inside `window`, further
attempts are refused unchecked until the oldest of those failures leaves the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.config import Config
from dashkit.state import LoginAttempt, utcnow

USERNAME_LENGTH = 150
ADDRESS_LENGTH = 45


@dataclass(frozen=True)
class LoginThrottle:
    """Limits on failed logins: per account, per client address, within a time window."""

    max_failures_per_account: int = 5
    max_failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)

    @classmethod
    def from_config(cls, config: Config) -> LoginThrottle:
        """LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS and LOGIN_THROTTLE_MINUTES."""
        return cls(
            max_failures_per_account=config.get_int("LOGIN_MAX_FAILURES") or 5,
            max_failures_per_address=config.get_int("LOGIN_MAX_FAILURES_PER_ADDRESS") or 20,
            window=timedelta(minutes=config.get_int("LOGIN_THROTTLE_MINUTES") or 15),
        )

    def reserve(self, db: Session, username: str, address: str) -> timedelta | None:
        """Count an attempt as failed before its password is checked; None when it may go on.

        The failure is committed at once, then counted again with every other attempt
        committed meanwhile, so parallel guesses cannot all pass a check made before
        any of them was recorded. A success later forgets it (`record(succeeded=True)`).
        Otherwise it returns how long this account or address must wait.
        """
        waiting = self.blocked_for(db, username, address)
        if waiting is not None:
            return waiting
        db.add(
            LoginAttempt(
                username=username[:USERNAME_LENGTH],
                client_address=address[:ADDRESS_LENGTH],
                succeeded=False,
                attempted_at=utcnow(),
            )
        )
        db.commit()
        return self.blocked_for(db, username, address, counting_own=True)

    def blocked_for(
        self, db: Session, username: str, address: str, *, counting_own: bool = False
    ) -> timedelta | None:
        """How long this account or address must wait, or None when it may try now.

        With `counting_own`, one of the failures in the window is the caller's own
        reserved attempt, so one more is allowed.
        """
        now = utcnow()
        since = now - self.window
        failures = sa.select(LoginAttempt.attempted_at).where(
            LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since
        )
        limits = (
            (LoginAttempt.username == username[:USERNAME_LENGTH], self.max_failures_per_account),
            (
                LoginAttempt.client_address == address[:ADDRESS_LENGTH],
                self.max_failures_per_address,
            ),
        )
        until: datetime | None = None
        for condition, limit in limits:
            # The limit-th most recent failure: once it leaves the window, fewer than
            # `limit` failures remain and attempts are allowed again.
            nth_latest = db.scalar(
                failures.where(condition)
                .order_by(LoginAttempt.attempted_at.desc())
                .limit(1)
                .offset(limit - 1 + counting_own)
            )
            if nth_latest is not None:
                candidate = nth_latest + self.window
                until = candidate if until is None else max(until, candidate)
        return None if until is None else until - now

    def record_success(self, db: Session, username: str, address: str) -> None:
        """Remember a successful sign-in; it forgets the account's failures, reserved ones too."""
        username, address = username[:USERNAME_LENGTH], address[:ADDRESS_LENGTH]
        db.execute(
            sa.delete(LoginAttempt).where(
                LoginAttempt.username == username, LoginAttempt.succeeded.is_(False)
            )
        )
        attempt = LoginAttempt(
            username=username, client_address=address, succeeded=True, attempted_at=utcnow()
        )
        db.add(attempt)
        db.flush()

    def purge(self, db: Session) -> None:
        """Forget attempts older than the window: they no longer count."""
        db.execute(
            sa.delete(LoginAttempt).where(LoginAttempt.attempted_at < utcnow() - self.window)
        )
