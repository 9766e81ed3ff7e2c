"""Login throttling per account and address pair, per address, and per account, in the state DB.

Because the counts live in the shared state database, every worker on every machine
sees the same failures. Three limits apply, each to the failures inside its window:

- an account from one address (5 in 15 minutes): guessing from one place stops soon,
  and a stranger elsewhere cannot lock the user out by failing on purpose;
- an address over all accounts (20 in 15 minutes): one place trying many names;
- an account from everywhere (50 in an hour): guessing spread over many addresses,
  slow enough that a stranger must work hard to lock anyone out, and an admin sees the
  throttle on the users page and can clear it.

Further attempts are refused unchecked until the oldest counted failure leaves its window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dashkit.config import Config
from dashkit.state import LoginAttempt, utcnow

USERNAME_LENGTH = 150
ADDRESS_LENGTH = 45


@dataclass(frozen=True)
class LoginThrottle:
    """Limits on failed logins: per account and address, per address, per account."""

    max_failures_per_pair: int = 5
    max_failures_per_address: int = 20
    window: timedelta = timedelta(minutes=15)
    max_failures_per_account: int = 50
    account_window: timedelta = timedelta(minutes=60)

    @classmethod
    def from_config(cls, config: Config) -> LoginThrottle:
        """LOGIN_MAX_FAILURES (per account and address), LOGIN_MAX_FAILURES_PER_ADDRESS and
        LOGIN_THROTTLE_MINUTES; LOGIN_MAX_FAILURES_PER_ACCOUNT and LOGIN_ACCOUNT_THROTTLE_MINUTES."""
        return cls(
            max_failures_per_pair=config.get_int("LOGIN_MAX_FAILURES") or 5,
            max_failures_per_address=config.get_int("LOGIN_MAX_FAILURES_PER_ADDRESS") or 20,
            window=timedelta(minutes=config.get_int("LOGIN_THROTTLE_MINUTES") or 15),
            max_failures_per_account=config.get_int("LOGIN_MAX_FAILURES_PER_ACCOUNT") or 50,
            account_window=timedelta(
                minutes=config.get_int("LOGIN_ACCOUNT_THROTTLE_MINUTES") or 60
            ),
        )

    def reserve(self, db: Session, username: str, address: str) -> timedelta | None:
        """Count an attempt as failed before its password is checked; None when it may go on.

        The failure is committed at once, then counted again with every other attempt
        committed meanwhile, so parallel guesses cannot all pass a check made before
        any of them was recorded. A success later forgets it (`record_success`).
        Otherwise it returns how long this attempt must wait.
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
        """How long an attempt on `username` from `address` must wait, or None.

        With `counting_own`, one of the failures in the window is the caller's own
        reserved attempt, so one more is allowed.
        """
        now = utcnow()
        until: datetime | None = None
        for conditions, limit, window in self._limits(username, address):
            # The limit-th most recent failure: once it leaves the window, fewer than
            # `limit` failures remain and attempts are allowed again.
            nth_latest = db.scalar(
                sa.select(LoginAttempt.attempted_at)
                .where(
                    LoginAttempt.succeeded.is_(False),
                    LoginAttempt.attempted_at > now - window,
                    *conditions,
                )
                .order_by(LoginAttempt.attempted_at.desc())
                .limit(1)
                .offset(limit - 1 + counting_own)
            )
            if nth_latest is not None:
                candidate = nth_latest + window
                until = candidate if until is None else max(until, candidate)
        return None if until is None else until - now

    def _limits(self, username: str, address: str) -> list[tuple[tuple[Any, ...], int, timedelta]]:
        account = LoginAttempt.username == username[:USERNAME_LENGTH]
        place = LoginAttempt.client_address == address[:ADDRESS_LENGTH]
        return [
            ((account, place), self.max_failures_per_pair, self.window),
            ((place,), self.max_failures_per_address, self.window),
            ((account,), self.max_failures_per_account, self.account_window),
        ]

    def throttled(self, db: Session) -> dict[str, list[str]]:
        """Accounts that some sign-ins must wait for now, with the addresses held back.

        An account throttled from everywhere lists "every address".
        """
        now = utcnow()
        pairs = db.execute(
            sa.select(LoginAttempt.username, LoginAttempt.client_address)
            .where(LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > now - self.window)
            .group_by(LoginAttempt.username, LoginAttempt.client_address)
            .having(sa.func.count() >= self.max_failures_per_pair)
        ).all()
        found: dict[str, list[str]] = {}
        for username, address in pairs:
            found.setdefault(username, []).append(address)
        accounts = db.scalars(
            sa.select(LoginAttempt.username)
            .where(
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.attempted_at > now - self.account_window,
            )
            .group_by(LoginAttempt.username)
            .having(sa.func.count() >= self.max_failures_per_account)
        ).all()
        for username in accounts:
            found[username] = ["every address"]
        return found

    def clear(self, db: Session, username: str) -> int:
        """Forget the failed sign-ins of an account (an admin lifting its throttle)."""
        statement = sa.delete(LoginAttempt).where(
            LoginAttempt.username == username[:USERNAME_LENGTH], LoginAttempt.succeeded.is_(False)
        )
        return db.execute(statement).rowcount or 0

    def record_success(self, db: Session, username: str, address: str) -> None:
        """Remember a successful sign-in; it forgets the failures of this account from this
        address, reserved ones too, but not those from elsewhere, which may be a guesser's."""
        username, address = username[:USERNAME_LENGTH], address[:ADDRESS_LENGTH]
        db.execute(
            sa.delete(LoginAttempt).where(
                LoginAttempt.username == username,
                LoginAttempt.client_address == address,
                LoginAttempt.succeeded.is_(False),
            )
        )
        attempt = LoginAttempt(
            username=username, client_address=address, succeeded=True, attempted_at=utcnow()
        )
        db.add(attempt)
        db.flush()

    def purge(self, db: Session) -> None:
        """Forget attempts older than the longest window: they no longer count."""
        db.execute(
            sa.delete(LoginAttempt).where(
                LoginAttempt.attempted_at < utcnow() - max(self.window, self.account_window)
            )
        )
