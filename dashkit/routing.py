"""Route registration shared by App and Blueprint, and the Blueprint itself."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

BeforeHook = Callable[[Any], Any]
AfterHook = Callable[[Any, Any], Any]
TeardownHook = Callable[[Any, BaseException | None], None]
ErrorHandler = Callable[[Any, BaseException], Any]


@dataclass
class RouteSpec:
    """One route as declared: path, view, endpoint and methods."""

    rule: str
    endpoint: str
    view: Callable[..., Any]
    methods: tuple[str, ...]
    defaults: dict[str, Any] | None = None


@dataclass
class Hooks:
    """Request hooks and error handlers, registered the same way on App and Blueprint."""

    before: list[BeforeHook] = field(default_factory=list)
    after: list[AfterHook] = field(default_factory=list)
    teardown: list[TeardownHook] = field(default_factory=list)
    error_handlers: dict[int | type[BaseException], ErrorHandler] = field(default_factory=dict)


class Scaffold:
    """The registration API App and Blueprint share: routes, hooks, error handlers."""

    def __init__(self, import_name: str, template_folder: str | None, static_folder: str | None):
        self.import_name = import_name
        self.root_path = _root_path(import_name)
        self.template_folder = self._resolve(template_folder)
        self.static_folder = self._resolve(static_folder)
        self.hooks = Hooks()

    def _resolve(self, folder: str | None) -> Path | None:
        return None if folder is None else self.root_path / folder

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view: Callable[..., Any] | None = None,
        methods: Iterable[str] = ("GET",),
        defaults: dict[str, Any] | None = None,
    ) -> None:
        """Register `view` for `rule`; the endpoint defaults to the view's name."""
        if view is None:
            raise TypeError(f"add_url_rule({rule!r}) needs a view function")
        name = endpoint or view.__name__
        if "." in name:
            raise ValueError(f"endpoint {name!r} must not contain a dot")
        spec = RouteSpec(rule, name, view, tuple(m.upper() for m in methods), defaults)
        self._record_route(spec)

    def route(
        self, rule: str, methods: Iterable[str] = ("GET",), endpoint: str | None = None
    ) -> Callable[[F], F]:
        """Decorator form of add_url_rule."""

        def decorator(view: F) -> F:
            self.add_url_rule(rule, endpoint=endpoint, view=view, methods=methods)
            return view

        return decorator

    def _record_route(self, spec: RouteSpec) -> None:
        raise NotImplementedError

    def before_request(self, hook: F) -> F:
        """Run `hook(request)` before the view; a non-None return replaces the view."""
        self.hooks.before.append(hook)
        return hook

    def after_request(self, hook: F) -> F:
        """Run `hook(request, response)`; it returns the response to send."""
        self.hooks.after.append(hook)
        return hook

    def teardown_request(self, hook: F) -> F:
        """Run `hook(request, error)` after the response, even when the view raised."""
        self.hooks.teardown.append(hook)
        return hook

    def errorhandler(self, key: int | type[BaseException]) -> Callable[[F], F]:
        """Handle an HTTP status code or an exception class with `handler(request, error)`."""

        def decorator(handler: F) -> F:
            self.hooks.error_handlers[key] = handler
            return handler

        return decorator


class Blueprint(Scaffold):
    """A group of routes, hooks, templates and static files registered on an app together."""

    def __init__(
        self,
        name: str,
        import_name: str,
        url_prefix: str = "",
        template_folder: str | None = None,
        static_folder: str | None = None,
    ):
        if "." in name:
            raise ValueError(f"blueprint name {name!r} must not contain a dot")
        super().__init__(import_name, template_folder, static_folder)
        self.name = name
        self.url_prefix = url_prefix.rstrip("/")
        self.routes: list[RouteSpec] = []

    def _record_route(self, spec: RouteSpec) -> None:
        self.routes.append(spec)


def _root_path(import_name: str) -> Path:
    """Folder of the module or package `import_name`, for template and static folders."""
    module = sys.modules.get(import_name)
    if module is not None and getattr(module, "__file__", None):
        return Path(module.__file__).resolve().parent
    try:
        spec = importlib.util.find_spec(import_name)
    except (ImportError, ValueError):
        spec = None
    if spec is not None and spec.origin not in (None, "built-in", "namespace"):
        return Path(spec.origin).resolve().parent
    return Path.cwd()
