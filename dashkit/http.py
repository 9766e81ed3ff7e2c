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
    from dashkit.app import App


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


class Request(_WerkzeugRequest):
    """The request a view receives as its first argument.

    Layers above the core (database, sessions, users) add lazily computed attributes
    with `App.add_request_attribute`; they are built on first access and cached.
    """

    app: App
    url_adapter: MapAdapter
    endpoint: str | None = None
    view_args: dict[str, Any]
    error: BaseException | None = None
    """The unhandled exception that became a 500, as teardown hooks receive it."""

    def __getattr__(self, name: str) -> Any:
        factories = self.__dict__.get("app").request_attributes if "app" in self.__dict__ else {}
        factory = factories.get(name)
        if factory is None:
            raise AttributeError(f"request has no attribute {name!r}")
        value = factory(self)
        self.__dict__[name] = value
        return value

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
