"""Request and Response classes, plus the small helpers views return."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import parse_qsl

from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import abort as _werkzeug_abort
from werkzeug.routing import MapAdapter
from werkzeug.utils import cached_property
from werkzeug.wrappers import Request as _WerkzeugRequest
from werkzeug.wrappers import Response as _WerkzeugResponse

if TYPE_CHECKING:
    from sqlalchemy.orm import Session as DataSession

    from dashkit.app import App
    from dashkit.auth.sessions import Session as UserSession
    from dashkit.auth.signed_in import SignedInUser


class Response(_WerkzeugResponse):
    """An HTTP response; HTML by default."""

    default_mimetype = "text/html"

    def __init__(
        self,
        response: Any = None,
        status: int | str | None = None,
        headers: Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        direct_passthrough: bool = False,
    ) -> None:
        if mimetype is None and content_type is None and not headers:
            mimetype = self.default_mimetype  # spares Werkzeug a costly header lookup
        super().__init__(response, status, headers, mimetype, content_type, direct_passthrough)


class _Installed:
    """A request attribute whose value a layer above the core builds: by the factory it
    gave `App.add_request_attribute`, on first read, kept in the request's `__dict__`.

    It has no `__set__`, so once the value is kept every later read finds it in the
    instance's `__dict__` without calling this descriptor.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, request: Request | None, owner: type | None = None) -> Any:
        if request is None:
            return self
        return request._install(self.name)


def installed() -> Any:
    """Declare a request attribute that a layer above the core installs, with its type:
    `db: Session = installed()` on a subclass of Request, then
    `app.add_request_attribute("db", factory)`."""
    return _Installed()


class Request(_WerkzeugRequest):
    """The request a view receives as its first argument.

    Layers above the core (database, sessions, users) give it lazily built attributes
    with `App.add_request_attribute`; each is built on first access and kept. Those of
    dashkit's layers are declared below with their types; the core imports none of them.
    """

    app: App
    url_adapter: MapAdapter
    endpoint: str | None = None
    view_args: dict[str, Any]
    error: BaseException | None = None
    """The unhandled exception that became a 500, as teardown hooks receive it."""

    db: DataSession = installed()
    """The data database's session, opened on first use (`dashkit.db.init_db`)."""
    state_db: DataSession = installed()
    """The state database's session: dashkit's own tables (`dashkit.db.init_db`)."""
    session: UserSession = installed()
    """The signed cookie session: who is signed in, flashed messages (`dashkit.auth`)."""
    user: SignedInUser | None = installed()
    """The signed-in user, or None (`dashkit.auth`)."""
    permissions: frozenset[str] = installed()
    """The permission patterns the user's roles grant (`dashkit.auth`)."""
    csrf_token: str = installed()
    """The token every unsafe request must carry (`dashkit.auth`)."""

    def _install(self, name: str) -> Any:
        app = self.__dict__.get("app")
        factory = app.request_attributes.get(name) if app is not None else None
        if factory is None:
            raise AttributeError(f"request has no attribute {name!r}")
        value = self.__dict__[name] = factory(self)
        return value

    if not TYPE_CHECKING:  # an app's own attributes; type checkers see only those declared

        def __getattr__(self, name: str) -> Any:
            return self._install(name)

    @cached_property
    def args(self) -> MultiDict[str, str]:  # type: ignore[override]
        """The query string's arguments. A raw byte that is not UTF-8 (never sent by a
        browser, which percent-encodes) reads as U+FFFD instead of failing the request."""
        return self.parameter_storage_class(
            parse_qsl(
                self.query_string.decode("utf-8", "replace"),
                keep_blank_values=True,
                errors="werkzeug.url_quote",
            )
        )

    @property
    def blueprint(self) -> str | None:
        """Name of the blueprint that owns the matched endpoint, if any."""
        if self.endpoint and "." in self.endpoint:
            return self.endpoint.rpartition(".")[0]
        return None

    @property
    def is_htmx(self) -> bool:
        """True when htmx sent this request."""
        return self.headers.get("HX-Request") == "true"

    @property
    def htmx_target(self) -> str | None:
        """The id of the element htmx will swap the response into."""
        return self.headers.get("HX-Target")

    @property
    def wants_json(self) -> bool:
        """True for API callers that prefer JSON to HTML."""
        best = self.accept_mimetypes.best_match(["text/html", "application/json"])
        return best == "application/json" and not self.is_htmx

    def url_for(
        self,
        endpoint: str,
        *,
        _external: bool = False,
        _anchor: str | None = None,
        **values: Any,
    ) -> str:
        """Build a URL; `.name` means an endpoint of the current blueprint."""
        if endpoint.startswith("."):
            endpoint = f"{self.blueprint}{endpoint}" if self.blueprint else endpoint[1:]
        return self.app.build_url(
            self.url_adapter, endpoint, values, external=_external, anchor=_anchor
        )


def json_response(
    data: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> Response:
    """Serialize `data` as a JSON response."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(body, status=status, headers=headers, mimetype="application/json")


def redirect(location: str, status: int = 303) -> Response:
    """Redirect to `location`; 303 so that a POST becomes a GET."""
    response = Response(status=status)
    response.headers["Location"] = location
    return response


def abort(status: int, description: str | None = None) -> NoReturn:
    """Stop the view and answer with an HTTP error."""
    _werkzeug_abort(status, description=description)


def hx_redirect(url: str) -> Response:
    """Tell htmx to load a new page (a full navigation, not a swap)."""
    return Response(status=200, headers={"HX-Redirect": url})


def hx_trigger(response: Response, event: str, detail: Any = None) -> Response:
    """Ask htmx to fire a client-side event after the swap; events accumulate."""
    existing = response.headers.get("HX-Trigger")
    events: dict[str, Any] = json.loads(existing) if existing else {}
    events[event] = detail
    response.headers["HX-Trigger"] = json.dumps(events)
    return response


def hx_push_url(response: Response, url: str) -> Response:
    """Ask htmx to push `url` onto the browser history."""
    response.headers["HX-Push-Url"] = url
    return response


View = Callable[..., Any]
