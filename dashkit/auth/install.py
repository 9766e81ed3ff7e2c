"""`init_auth(app)`: wire sessions, users, CSRF, headers and the login views into an app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from dashkit.auth.access import has_permission
from dashkit.auth.api_tokens import bearer_token, user_for_token
from dashkit.auth.csrf import FIELD_NAME, csrf_middleware, is_token_authenticated
from dashkit.auth.extension import Auth, get_auth
from dashkit.auth.headers import headers_middleware, security_headers
from dashkit.auth.messages import flashes_as_toast, pop_flashes
from dashkit.auth.passwords import MIN_LENGTH, PasswordHasher
from dashkit.auth.permissions import RoleCatalog
from dashkit.auth.security_events import EventLimit, security_events_middleware
from dashkit.auth.sessions import Session, SessionSettings, SessionStore
from dashkit.auth.signed_in import SignedInUser, load_signed_in_user
from dashkit.auth.throttle import LoginThrottle
from dashkit.auth.views import blueprint
from dashkit.config import Config
from dashkit.errors import ConfigError
from dashkit.http import Request, Response

if TYPE_CHECKING:
    from dashkit.app import App, Handler


def init_auth(app: App) -> Auth:
    """Install security headers, sessions, CSRF checks, `request.user` and the login views.

    Call after `init_db(app)`: sessions, users and throttles live in the state database.
    """
    if "db" not in app.extensions:
        raise ConfigError("init_auth(app) needs the state database: call init_db(app) first")
    if "auth" in app.extensions:
        raise ConfigError("init_auth(app) was already called for this app")
    config = app.config
    auth = Auth(
        sessions=SessionStore(SessionSettings.from_config(config), config.require("SECRET_KEY")),
        hasher=_password_hasher(config),
        throttle=LoginThrottle.from_config(config),
        roles=RoleCatalog.from_config(config),
        min_password_length=config.get_int("PASSWORD_MIN_LENGTH") or MIN_LENGTH,
        home_endpoint=config.get_str("HOME_ENDPOINT") or "admin.index",
        event_limit=EventLimit(
            per_minute=config.get_int("SECURITY_EVENTS_PER_MINUTE") or EventLimit.per_minute
        ),
    )
    app.extensions["auth"] = auth
    app.static_files.headers.update(security_headers(config))
    app.add_middleware(headers_middleware(config), outermost=True)
    app.add_middleware(security_events_middleware, outermost=True)
    app.add_middleware(_session_middleware)
    app.add_middleware(csrf_middleware(auth.sessions.existing_csrf_token))
    app.add_request_attribute("session", auth.sessions.load)
    app.add_request_attribute("user", _current_user)
    app.add_request_attribute("permissions", _granted_patterns)
    app.add_request_attribute("csrf_token", auth.sessions.csrf_token)
    app.templates.context_processors.append(_template_context)
    app.register_blueprint(blueprint)
    return auth


def _password_hasher(config: Config) -> PasswordHasher:
    try:
        return PasswordHasher(n=config.get_int("PASSWORD_SCRYPT_N") or PasswordHasher.n)
    except ValueError as error:
        raise ConfigError(f"PASSWORD_SCRYPT_N: {error} (e.g. 65536)") from None


def _session_middleware(request: Request, call_next: Handler) -> Response:
    response = call_next(request)
    if "session" in request.__dict__:
        flashes_as_toast(request, response)
        get_auth(request.app).sessions.save(request, response)
    signed_in = request.__dict__.get("user") is not None or (
        "session" in request.__dict__ and request.session.user_id is not None
    )
    if signed_in or "Set-Cookie" in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def _current_user(request: Request) -> SignedInUser | None:
    if is_token_authenticated(request):
        token = bearer_token(request.headers.get("Authorization"))
        user = user_for_token(request.state_db, token) if token else None
        return SignedInUser.of(user) if user is not None else None
    session: Session = request.session
    if session.user_id is None:
        return None
    found = session.user
    if found is None or found.id != session.user_id:  # signed in during this request
        found = load_signed_in_user(request.state_db, session.user_id)
    if found is None or not found.is_active:
        get_auth(request.app).sessions.end(request)
        return None
    return found


def _granted_patterns(request: Request) -> frozenset[str]:
    user: SignedInUser | None = request.user
    if user is None:
        return frozenset()
    return get_auth(request.app).roles.patterns_for(lambda: request.state_db, user.roles or ())


class _LazyToken:
    """Renders the CSRF token only where a template uses it, so pages that don't start no session."""

    def __init__(self, request: Request):
        self._request = request
        self._field: Markup | None = None

    def __str__(self) -> str:
        return self._request.csrf_token

    def __html__(self) -> str:
        return self._request.csrf_token

    def field(self) -> Markup:
        """The hidden input carrying the token; built once however many forms a page has."""
        if self._field is None:
            value = escape(self._request.csrf_token)
            self._field = Markup(f'<input type="hidden" name="{FIELD_NAME}" value="{value}">')
        return self._field


def _template_context(request: Request) -> dict[str, Any]:
    token = _LazyToken(request)
    # The layout's user menu links auth_urls[name], built once per mount point: a url_for()
    # call from a template goes through Jinja2's runtime, several times a dict lookup.
    kept = get_auth(request.app).menu_urls
    menu_urls = kept.get(request.root_path)
    if menu_urls is None:
        names = ("user_list", "account", "logout")
        menu_urls = {name: request.url_for(f"auth.{name}") for name in names}
        if len(kept) < 16:  # mount points are few, unless a proxy's prefix header varies
            kept[request.root_path] = menu_urls
    return {
        "csrf_token": token,
        "csrf_field": token.field,
        "can": lambda permission: has_permission(request, permission),
        "current_user": request.user,
        "get_flashed_messages": lambda: pop_flashes(request),
        "auth_urls": menu_urls,
    }
