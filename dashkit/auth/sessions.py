"""Server-side sessions in the state database; the cookie holds only a random id.

The database keeps the SHA-256 of the id, never the id itself. A session ends after
`SESSION_IDLE_MINUTES` without a request or `SESSION_LIFETIME_HOURS` after it began,
whichever comes first. The id changes at login and the row is deleted at logout.

An anonymous visitor gets no row until there is something to keep (a flash message):
the CSRF token of the login form is derived from a random value in a cookie of its
own, so showing the login page writes nothing. That row goes again once emptied.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator, MutableMapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session as DbSession

from dashkit.auth.csrf import derive_csrf_token, is_token_authenticated
from dashkit.auth.signed_in import SignedInUser, columns
from dashkit.config import Config
from dashkit.db import reading_connection
from dashkit.http import Request, Response
from dashkit.state import User, UserSession, utcnow

ID_BYTES = 32
ANONYMOUS_SALT = "anonymous"
TOUCH_INTERVAL = timedelta(minutes=1)


def hash_session_id(session_id: str) -> str:
    """What the state database stores in place of a session id."""
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionSettings:
    """Cookie name and flags, and how long a session may live."""

    cookie_name: str = "dashkit_session"
    secure: bool | None = None  # None: Secure exactly when the request came over HTTPS
    idle_timeout: timedelta = timedelta(minutes=120)
    lifetime: timedelta = timedelta(hours=12)

    @property
    def anonymous_cookie_name(self) -> str:
        """The cookie carrying an anonymous visitor's CSRF value: the session's name + _csrf."""
        return f"{self.cookie_name}_csrf"

    @classmethod
    def from_config(cls, config: Config) -> SessionSettings:
        """From SESSION_COOKIE_NAME, SESSION_COOKIE_SECURE ("auto") and the SESSION_* timeouts."""
        secure = config.get("SESSION_COOKIE_SECURE", "auto")
        return cls(
            cookie_name=config.get_str("SESSION_COOKIE_NAME") or cls.cookie_name,
            secure=None if secure == "auto" else config.get_bool("SESSION_COOKIE_SECURE"),
            idle_timeout=timedelta(minutes=config.get_int("SESSION_IDLE_MINUTES") or 120),
            lifetime=timedelta(hours=config.get_int("SESSION_LIFETIME_HOURS") or 12),
        )


@dataclass(slots=True)
class SessionRecord:
    """A row of `dashkit_sessions` as plain values; `SessionStore.save` writes it back."""

    id_hash: str
    user_id: int | None
    data: dict[str, Any] | None
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    user_agent: str
    client_address: str


RECORD_FIELDS = tuple(field.name for field in fields(SessionRecord))
USER_PREFIX = "user__"
SESSIONS, USERS = UserSession.__table__, User.__table__
LOAD_SESSION = (
    sa.select(*(SESSIONS.c[name] for name in RECORD_FIELDS), *columns(USER_PREFIX))
    .select_from(SESSIONS.outerjoin(USERS, USERS.c.id == SESSIONS.c.user_id))
    .where(SESSIONS.c.id_hash == sa.bindparam("id_hash"))
)
"""The session and its user's snapshot in one query, built once."""
INSERT_SESSION = sa.insert(SESSIONS)
UPDATED_FIELDS = ("user_id", "data", "last_seen_at", "expires_at")
"""What a request may change in a stored session; the rest of the row stays as it is."""
UPDATE_SESSION = (
    sa.update(SESSIONS)
    .where(SESSIONS.c.id_hash == sa.bindparam("key"))
    .values({name: sa.bindparam(name) for name in UPDATED_FIELDS})
)


class Session(MutableMapping[str, Any]):
    """`request.session`: a dict of JSON values, written back only when it changed.

    Assign a value again after mutating it in place (`session["cart"] = cart`), since
    changes inside nested values are not noticed.
    """

    def __init__(
        self,
        record: SessionRecord | None = None,
        session_id: str | None = None,
        user: SignedInUser | None = None,
    ):
        self._record = record
        self._id = session_id
        self.user = user
        """The session's user as the request found them (None when anonymous)."""
        self._data: dict[str, Any] = dict(record.data or {}) if record is not None else {}
        self._stored = record is not None
        self._new_nonce: str | None = None
        self.modified = False
        self.ended = False

    @property
    def user_id(self) -> int | None:
        """The signed-in user's id, or None for an anonymous visitor."""
        return self._record.user_id if self._record is not None else None

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self._data[key]
        self.modified = True

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"<Session user_id={self.user_id} keys={sorted(self._data)}>"


class SessionStore:
    """Loads, saves, rotates and ends sessions on `request.state_db`."""

    def __init__(self, settings: SessionSettings, secret_key: str):
        self.settings = settings
        self._secret_key = secret_key

    # -- reading ---------------------------------------------------------------------

    def load(self, request: Request) -> Session:
        """The session named by the request's cookie, or a new empty one.

        A bearer-token call gets an empty one that is never saved: it skips the CSRF
        check, so it must not read or change the cookie's session.
        """
        if is_token_authenticated(request):
            return Session()
        session_id = request.cookies.get(self.settings.cookie_name)
        if not session_id or len(session_id) > 128:
            return Session()
        with reading_connection(request, state=True) as connection:
            found = (
                connection.execute(LOAD_SESSION, {"id_hash": hash_session_id(session_id)})
                .mappings()
                .first()
            )
        if found is None:
            return Session()
        record = SessionRecord(**{name: found[name] for name in RECORD_FIELDS})
        if record.expires_at <= utcnow():
            _delete_row(request.state_db, record.id_hash)
            return Session()
        user = None
        if found[USER_PREFIX + "id"] is not None:
            user = SignedInUser.from_values(found, USER_PREFIX)
        return Session(record, session_id, user)

    def csrf_token(self, request: Request) -> str:
        """The CSRF token for forms: the signed-in session's, else the visitor's cookie's.

        An anonymous visitor without the cookie is given one with the response.
        """
        session: Session = request.session
        if session.user_id is not None:
            assert session._id is not None and session._record is not None
            return derive_csrf_token(self._secret_key, session._id, session._record.csrf_token)
        nonce = self._anonymous_nonce(request)
        if nonce is None:
            nonce = session._new_nonce = session._new_nonce or secrets.token_urlsafe(ID_BYTES)
        return derive_csrf_token(self._secret_key, nonce, ANONYMOUS_SALT)

    def existing_csrf_token(self, request: Request) -> str | None:
        """The CSRF token the request must carry; None when it came with neither cookie."""
        session: Session = request.session
        if session.user_id is not None:
            if not session._stored or session._id is None or session._record is None:
                return None
            return derive_csrf_token(self._secret_key, session._id, session._record.csrf_token)
        nonce = self._anonymous_nonce(request)
        return None if nonce is None else derive_csrf_token(self._secret_key, nonce, ANONYMOUS_SALT)

    def _anonymous_nonce(self, request: Request) -> str | None:
        value = request.cookies.get(self.settings.anonymous_cookie_name, "")
        return value if 32 <= len(value) <= 64 and value.isascii() else None

    # -- changing ------------------------------------------------------------------

    def login(self, request: Request, user_id: int) -> None:
        """Sign `user_id` in on a fresh session id and CSRF token: no session fixation.

        The old row is deleted, so a planted or stolen old id is worth nothing; pending
        data such as flash messages moves to the new session.
        """
        session: Session = request.session
        data = dict(session)
        self.end(request)
        session._data = data
        self._ensure_record(request, session)
        assert session._record is not None
        session._record.user_id = user_id
        session.modified = True

    def end(self, request: Request) -> None:
        """Delete the request's session (logout); a later write starts a new anonymous one."""
        session: Session = request.session
        if session._record is not None and session._stored:
            _delete_row(request.state_db, session._record.id_hash)
        session._record, session._id, session._stored = None, None, False
        session._data = {}
        session.ended = True

    def end_other_sessions(self, request: Request) -> int:
        """Sign the user out everywhere but in this request's session; return how many ended."""
        session: Session = request.session
        if session.user_id is None or session._record is None:
            return 0
        return delete_user_sessions(request.state_db, session.user_id, keep=session._record.id_hash)

    def purge_expired(self, db: DbSession) -> None:
        """Delete sessions whose time is up (their cookies would be refused anyway)."""
        db.execute(sa.delete(UserSession).where(UserSession.expires_at <= utcnow()))

    def save(self, request: Request, response: Response) -> None:
        """Write the session back if it changed, refresh its expiry, and set the cookie.

        Error responses write nothing: their transaction is rolled back, and a cookie
        naming a row that was never committed would only make the next form fail.
        """
        if is_token_authenticated(request):
            return
        session: Session = request.session
        if session._new_nonce is not None and response.status_code < 400:
            self._set_cookie(
                request, response, session._new_nonce, self.settings.anonymous_cookie_name
            )
        if session._stored and session.user_id is None and not session._data:
            self.end(request)  # an anonymous row whose messages were shown has no more use
        if session._record is None and session.modified and session._data:
            self._ensure_record(request, session)
        record = session._record
        if record is None or response.status_code >= 400:
            if session.ended:
                self._clear_cookie(request, response)
            return
        now = utcnow()
        if session._stored and not session.modified and now - record.last_seen_at <= TOUCH_INTERVAL:
            return  # nothing to write: the state database is not even opened
        if session.modified:
            record.data = dict(session._data)
        record.last_seen_at = now
        record.expires_at = expiry(record, self.settings)
        db: DbSession = request.state_db
        if session._stored:
            # only these names: any other column name given would join the SET clause
            values = {name: getattr(record, name) for name in UPDATED_FIELDS}
            db.execute(UPDATE_SESSION, {"key": record.id_hash, **values})
        else:
            db.execute(INSERT_SESSION, asdict(record))
            session._stored = True
            self._set_cookie(request, response, session._id or "")
        session.modified = False

    # -- internals -----------------------------------------------------------------

    def _ensure_record(self, request: Request, session: Session) -> None:
        if session._record is not None:
            return
        now = utcnow()
        session._id = secrets.token_urlsafe(ID_BYTES)
        session._record = SessionRecord(
            id_hash=hash_session_id(session._id),
            user_id=None,
            data={},
            csrf_token=secrets.token_hex(16),
            created_at=now,
            last_seen_at=now,
            expires_at=now,
            user_agent=(request.user_agent.string or "")[:255],
            client_address=(request.remote_addr or "")[:45],
        )
        session._record.expires_at = expiry(session._record, self.settings)

    def _set_cookie(
        self, request: Request, response: Response, value: str, name: str | None = None
    ) -> None:
        response.set_cookie(
            name or self.settings.cookie_name,
            value,
            httponly=True,
            samesite="Lax",
            secure=self._secure(request),
            path="/",
        )

    def _clear_cookie(self, request: Request, response: Response) -> None:
        response.delete_cookie(
            self.settings.cookie_name,
            path="/",
            httponly=True,
            samesite="Lax",
            secure=self._secure(request),
        )

    def _secure(self, request: Request) -> bool:
        return request.is_secure if self.settings.secure is None else self.settings.secure


def delete_user_sessions(db: DbSession, user_id: int, keep: str | None = None) -> int:
    """Delete every session of a user, except the one whose id hash is `keep`."""
    statement = sa.delete(UserSession).where(UserSession.user_id == user_id)
    if keep is not None:
        statement = statement.where(UserSession.id_hash != keep)
    return db.execute(statement).rowcount or 0


def _delete_row(db: DbSession, id_hash: str) -> None:
    db.execute(sa.delete(UserSession).where(UserSession.id_hash == id_hash))


def expiry(record: SessionRecord, settings: SessionSettings) -> datetime:
    """When `record` ends unless another request comes first."""
    return min(record.last_seen_at + settings.idle_timeout, record.created_at + settings.lifetime)
