"""App: configuration, URL map, hooks, error handling and the WSGI entry point."""

from __future__ import annotations

import difflib
import ipaddress
import logging
import os
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.routing import BaseConverter, BuildError, Map, MapAdapter, RequestRedirect, Rule
from werkzeug.serving import run_simple
from werkzeug.test import Client
from werkzeug.wrappers import Response as _WerkzeugResponse

from dashkit.config import build_config
from dashkit.errors import ConfigError, UrlBuildError
from dashkit.http import Request, Response, json_response
from dashkit.request_limits import RequestLimits
from dashkit.routing import Blueprint, Hooks, RouteSpec, Scaffold
from dashkit.static import STATIC_PREFIX, StaticFiles
from dashkit.templating import Templates

logger = logging.getLogger("dashkit")

Handler = Callable[[Request], Response]
Middleware = Callable[[Request, Handler], Response]
RequestAttribute = Callable[[Request], Any]
HookChain = tuple[tuple[Hooks, ...], tuple[Hooks, ...]]  # (app then blueprint, blueprint then app)

ERROR_TEMPLATE = "dashkit/error.html"
BUILT_URLS_KEPT = 4096
"""How many built URLs an app keeps for reuse (a bound, whatever Host headers arrive)."""


class App(Scaffold):
    """A WSGI application: `App(__name__, config)`, then routes, blueprints, hooks."""

    request_class = Request

    def __init__(
        self,
        import_name: str,
        config: Mapping[str, Any] | str | os.PathLike[str] | None = None,
        *,
        template_folder: str | None = "templates",
        static_folder: str | None = "static",
    ):
        super().__init__(import_name, template_folder, static_folder)
        self.config = build_config(config)
        self.debug = self.config.get_bool("DEBUG")
        self._ensure_secret_key()
        self.url_map = Map()
        self.view_functions: dict[str, Callable[..., Any]] = {}
        self.blueprints: dict[str, Blueprint] = {}
        self.request_attributes: dict[str, RequestAttribute] = {}
        self.request_limits = RequestLimits.from_config(self.config)
        self.middleware: list[Middleware] = [self.request_limits.middleware]
        self.extensions: dict[str, Any] = {}
        self.templates = Templates(self.template_folder, auto_reload=self.debug)
        self.static_files = StaticFiles()
        if self.static_folder is not None:
            self.static_files.mount("", self.static_folder)
        self.templates.link_static(self.static_files.url)
        self.propagate_exceptions = False
        self._auto_options: set[str] = set()
        self._wsgi: Callable[..., Any] | None = None
        self._handler: Handler | None = None
        self._hook_chains: dict[str | None, HookChain] = {None: ((self.hooks,), (self.hooks,))}
        self._endpoint_hooks: dict[str, HookChain] = {}
        self._built_urls: dict[tuple[Any, ...], str] = {}

    def _ensure_secret_key(self) -> None:
        if self.config.get_str("SECRET_KEY"):
            return
        if not self.debug:
            raise ConfigError(
                "SECRET_KEY is required outside debug mode: set DASHKIT_SECRET_KEY to a long "
                "random string (python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        logger.warning("no SECRET_KEY set; using a random one, sessions end at restart")
        self.config["SECRET_KEY"] = secrets.token_hex(32)

    # -- registration ---------------------------------------------------------------

    def _record_route(self, spec: RouteSpec) -> None:
        self._add_rule(spec.rule, spec.endpoint, spec.view, spec.methods, spec.defaults)

    def _add_rule(
        self,
        rule: str,
        endpoint: str,
        view: Callable[..., Any],
        methods: Iterable[str],
        defaults: dict[str, Any] | None,
    ) -> None:
        existing = self.view_functions.get(endpoint)
        if existing is not None and existing is not view:
            raise ValueError(f"endpoint {endpoint!r} is already bound to {existing.__qualname__}")
        allowed = set(methods)
        if "OPTIONS" not in allowed:
            allowed.add("OPTIONS")
            self._auto_options.add(endpoint)
        self.url_map.add(Rule(rule, endpoint=endpoint, methods=sorted(allowed), defaults=defaults))
        self.view_functions[endpoint] = view
        self._endpoint_hooks[endpoint] = self._hook_chains[endpoint.rpartition(".")[0] or None]
        self._wsgi = None
        self._built_urls = {}

    def add_converter(self, name: str, converter: type[BaseConverter]) -> None:
        """Make `<name:arg>` usable in rules registered from now on."""
        self.url_map.converters[name] = converter
        self._built_urls = {}

    def register_blueprint(self, blueprint: Blueprint) -> None:
        """Add a blueprint's routes under its prefix, with endpoints named `bp.view`."""
        if blueprint.name in self.blueprints:
            raise ValueError(f"a blueprint named {blueprint.name!r} is already registered")
        self.blueprints[blueprint.name] = blueprint
        self._hook_chains[blueprint.name] = (
            (self.hooks, blueprint.hooks),
            (blueprint.hooks, self.hooks),
        )
        for spec in blueprint.routes:
            endpoint = f"{blueprint.name}.{spec.endpoint}"
            rule = blueprint.url_prefix + spec.rule
            self._add_rule(rule, endpoint, spec.view, spec.methods, spec.defaults)
        if blueprint.template_folder is not None:
            self.templates.add_blueprint_folder(blueprint.template_folder)
        if blueprint.static_folder is not None:
            self.static_files.mount(blueprint.name, blueprint.static_folder)
            self._wsgi = None

    def add_middleware(self, middleware: Middleware, *, outermost: bool = False) -> None:
        """Wrap request handling: `middleware(request, call_next) -> Response`.

        The first one added is the outermost, unless a later one asks to be `outermost`
        (security headers must wrap even the database transaction).
        """
        if outermost:
            self.middleware.insert(0, middleware)
        else:
            self.middleware.append(middleware)
        self._handler = None

    def add_request_attribute(self, name: str, factory: RequestAttribute) -> None:
        """Give every request a lazily built attribute, e.g. `request.db`."""
        self.request_attributes[name] = factory

    # -- URLs -------------------------------------------------------------------------

    def url_for(
        self, endpoint: str, *, _external: bool = False, _anchor: str | None = None, **values: Any
    ) -> str:
        """Build a URL outside a request (CLI, scripts); views use `request.url_for`."""
        server_name = self.config.get_str("SERVER_NAME") or "localhost"
        scheme = self.config.get_str("PREFERRED_URL_SCHEME") or "http"
        adapter = self.url_map.bind(server_name, url_scheme=scheme)
        return self.build_url(adapter, endpoint, values, external=_external, anchor=_anchor)

    def build_url(
        self,
        adapter: MapAdapter,
        endpoint: str,
        values: dict[str, Any],
        *,
        external: bool = False,
        anchor: str | None = None,
    ) -> str:
        """Build a URL with `adapter`; a UrlBuildError names the endpoint and missing values.

        A page builds a dozen URLs that are the same on every request (navigation, the
        sign-out form, its model's pages); a URL from text and integer values is kept, per
        mount point and host, so the URL map builds each one once.
        """
        key = None if external else _built_url_key(adapter, endpoint, values)
        url = self._built_urls.get(key) if key is not None else None
        if url is None:
            try:
                url = adapter.build(endpoint, values, force_external=external)
            except BuildError:
                raise UrlBuildError(self._explain_build_error(endpoint, values)) from None
            except ValueError as error:  # a converter refused a value
                raise UrlBuildError(
                    f"cannot build a URL for endpoint {endpoint!r}: {error}"
                ) from None
            if key is not None and len(self._built_urls) < BUILT_URLS_KEPT:
                self._built_urls[key] = url
        return f"{url}#{anchor}" if anchor else url

    def _explain_build_error(self, endpoint: str, values: dict[str, Any]) -> str:
        if endpoint not in self.view_functions:
            close = difflib.get_close_matches(endpoint, self.view_functions, n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            return f"cannot build a URL for unknown endpoint {endpoint!r}{hint}"
        needed: set[str] = set()
        for rule in self.url_map.iter_rules(endpoint):
            needed |= rule.arguments - set(rule.defaults or ())
        missing = sorted(needed - set(values))
        if missing:
            return (
                f"cannot build a URL for endpoint {endpoint!r}: missing values {', '.join(missing)}"
            )
        return f"cannot build a URL for endpoint {endpoint!r} with values {values!r}"

    # -- request handling ---------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if self._wsgi is None:
            self._wsgi = self.static_files.wrap(self.wsgi_app)
        if environ.get("PATH_INFO", "").startswith(STATIC_PREFIX):
            return self._wsgi(environ, start_response)
        return self.wsgi_app(environ, start_response)  # WhiteNoise only knows /static/ URLs

    def wsgi_app(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Handle one request without static files (WhiteNoise sits in front of this)."""
        request = self.request_class(environ)
        request.app = self
        request.url_adapter = self.url_map.bind_to_environ(
            environ, server_name=self.config.get_str("SERVER_NAME")
        )
        request.view_args = {}
        try:
            response = self._chain()(request)
        except Exception as raised:  # noqa: BLE001 - every error becomes a response
            request.error = raised
            response = self.handle_exception(request, raised)
        finally:
            self._teardown(request, request.error)
        return response(environ, start_response)

    def _chain(self) -> Handler:
        if self._handler is None:
            handler: Handler = self.full_dispatch
            for middleware in reversed(self.middleware):
                handler = _bind_middleware(middleware, handler)
            self._handler = handler
        return self._handler

    def full_dispatch(self, request: Request) -> Response:
        """Match the URL, run hooks and the view, and turn errors into responses."""
        try:
            response = self._dispatch(request)
        except Exception as error:  # noqa: BLE001 - every error becomes a response
            response = self.handle_exception(request, error)
        for hooks in self._hooks_for(request, reverse=True):
            if hooks.after:
                for after in reversed(hooks.after):
                    response = after(request, response)
        return response

    def _dispatch(self, request: Request) -> Response:
        adapter = request.url_adapter
        rule, arguments = adapter.match(return_rule=True)
        request.endpoint = rule.endpoint
        request.view_args = arguments
        if request.method == "OPTIONS" and rule.endpoint in self._auto_options:
            return Response(
                status=200, headers={"Allow": ", ".join(sorted(adapter.allowed_methods()))}
            )
        for hooks in self._hooks_for(request):
            for before in hooks.before:
                result = before(request)
                if result is not None:
                    return self.make_response(result, before)
        view = self.view_functions[rule.endpoint]
        return self.make_response(view(request, **arguments), view)

    def _hooks_for(self, request: Request, reverse: bool = False) -> tuple[Hooks, ...]:
        """The app's hooks, then the request's blueprint's; `reverse` for after and teardown."""
        forward, backward = self._endpoint_hooks.get(request.endpoint) or self._hook_chains[None]
        return backward if reverse else forward

    def make_response(self, value: Any, view: Callable[..., Any]) -> Response:
        """Turn what a view returned into a Response, or say clearly why it cannot."""
        status: int | None = None
        headers: Any = None
        if isinstance(value, tuple):
            if len(value) not in (2, 3):
                raise TypeError(
                    f"view {_name(view)} returned a tuple of {len(value)}; use "
                    f"(body, status) or (body, status, headers)"
                )
            value, status, *rest = value
            headers = rest[0] if rest else None
        if isinstance(value, _WerkzeugResponse):
            response = value
        elif isinstance(value, (str, bytes)):
            response = Response(value)
        elif isinstance(value, (dict, list)):
            response = json_response(value)
        else:
            raise TypeError(
                f"view {_name(view)} returned {type(value).__name__}; return a Response, "
                f"str, dict or list (JSON), (body, status) or (body, status, headers)"
            )
        if status is not None:
            response.status_code = status
        if headers:
            response.headers.update(headers)
        return response

    def handle_exception(self, request: Request, error: Exception) -> Response:
        """Use a registered error handler, the standard HTTP error page, or a plain 500."""
        handler = self._error_handler_for(request, error)
        if handler is not None:
            try:
                return self.make_response(handler(request, error), handler)
            except Exception as handler_error:
                logger.exception("error handler %s failed", _name(handler))
                error = handler_error
        if isinstance(error, HTTPException):
            return self.error_response(request, error)
        if self.propagate_exceptions:
            raise error
        request.error = error
        logger.error("unhandled exception on %s %s", request.method, request.path, exc_info=error)
        return self.error_response(request, InternalServerError())

    def _error_handler_for(self, request: Request, error: Exception) -> Callable[..., Any] | None:
        for hooks in self._hooks_for(request, reverse=True):
            handlers = hooks.error_handlers
            if not handlers:
                continue
            if isinstance(error, HTTPException) and error.code in handlers:
                return handlers[error.code]
            for kind in type(error).__mro__:
                if kind in handlers:
                    return handlers[kind]
        return None

    def error_response(self, request: Request, error: HTTPException) -> Response:
        """The page (or JSON for API callers) for an HTTP error, keeping its headers."""
        if error.response is not None:
            return error.response  # abort(response) carries its own
        if isinstance(error, RequestRedirect):
            return error.get_response(request.environ)  # e.g. /items to /items/
        code = error.code or 500
        headers = [(k, v) for k, v in error.get_headers(request.environ) if k != "Content-Type"]
        if request.wants_json:
            body = {"error": error.name, "status": code, "detail": error.description}
            return json_response(body, status=code, headers=dict(headers))
        try:
            html = self.templates.render_string(
                request, ERROR_TEMPLATE, None, {"status": code, "error": error}
            )
        except Exception:
            logger.exception("the error page template failed; sending a bare page")
            html = f"<!doctype html><title>{code} {error.name}</title><h1>{code} {error.name}</h1>"
        return Response(html, status=code, headers=headers)

    def _teardown(self, request: Request, error: BaseException | None) -> None:
        for hooks in self._hooks_for(request, reverse=True):
            for teardown in reversed(hooks.teardown):
                try:
                    teardown(request, error)
                except Exception:
                    logger.exception("teardown hook %s failed", _name(teardown))

    # -- running ---------------------------------------------------------------------------

    def test_client(self) -> Client:
        """A Werkzeug test client with cookies, for tests."""
        return Client(self, Response, use_cookies=True)

    def run(
        self,
        host: str = "127.0.0.1",
        port: int = 8000,
        debug: bool | None = None,
        reload: bool = False,
    ) -> None:
        """Serve with Werkzeug's development server; never use it in production.

        The interactive debugger is only enabled on a loopback address.
        """
        debug = self.debug if debug is None else debug
        use_debugger = debug and is_loopback(host)
        if debug and not use_debugger:
            logger.warning("debugger disabled: %s is not a loopback address", host)
        self.propagate_exceptions = use_debugger
        run_simple(host, port, self, use_debugger=use_debugger, use_reloader=reload, threaded=True)


def is_loopback(host: str) -> bool:
    """True for localhost and loopback IP addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _built_url_key(
    adapter: MapAdapter, endpoint: str, values: dict[str, Any]
) -> tuple[Any, ...] | None:
    """What a relative URL depends on; None when a value is not plain text or an integer."""
    for value in values.values():
        if type(value) is not str and type(value) is not int:
            return None
    return (
        endpoint,
        adapter.script_name,
        adapter.server_name,
        adapter.subdomain,
        adapter.url_scheme,
        adapter.default_method,
        *values.items(),
    )


def _bind_middleware(middleware: Middleware, call_next: Handler) -> Handler:
    return lambda request: middleware(request, call_next)


def _name(function: Callable[..., Any]) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', function)!s}"
