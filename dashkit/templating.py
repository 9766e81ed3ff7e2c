"""The per-app Jinja2 environment, template lookup order and block rendering."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    Template,
    pass_context,
    select_autoescape,
)
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr
from jinja2.nodes import Template as TemplateNode
from jinja2.runtime import Context
from markupsafe import _escape_inner as escape_text  # markupsafe's own escape of a str, in C

from dashkit.http import Response
from dashkit.resources import shipped_path

if TYPE_CHECKING:
    from dashkit.http import Request

ContextProcessor = Callable[["Request"], Mapping[str, Any]]


def escape_output(value: Any) -> str:
    """What `{{ value }}` writes in an autoescaped template: `value` escaped exactly as
    `markupsafe.escape` escapes it (`__html__` honoured), returned as a plain string.

    `markupsafe.escape` wraps each escaped piece in a `Markup`, whose Python-level
    constructor costs several times the escaping itself; a page's pieces are joined into
    one string straight away, so those wrappers are thrown away unused. A 50-row table
    writes some 700 values: this is most of what drawing it costs.
    """
    if type(value) is str:
        return escape_text(value)
    html = getattr(value, "__html__", None)
    return html() if html is not None else escape_text(str(value))


class OutputEscapingCodeGenerator(CodeGenerator):
    """Compiles the values an autoescaped template writes to `escape_output(value)`
    instead of `markupsafe.escape(value)`; everything else compiles as Jinja2 compiles it."""

    def visit_Template(self, node: TemplateNode, frame: Frame | None = None) -> None:
        self.writeline("from dashkit.templating import escape_output")
        super().visit_Template(node, frame)

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if not frame.eval_ctx.autoescape or frame.eval_ctx.volatile:
            super()._output_child_pre(node, frame, finalize)
            return
        self.write("escape_output(")
        if finalize.src is not None:
            self.write(finalize.src)


class Templates:
    """Templates are looked up in the app's folder, then each blueprint's, then dashkit's."""

    def __init__(self, app_folder: Path | None, auto_reload: bool = True):
        self._app_loaders: list[BaseLoader] = []
        if app_folder is not None:
            self._app_loaders.append(FileSystemLoader(app_folder))
        self._blueprint_loaders: list[BaseLoader] = []
        self._loader = ChoiceLoader([])
        self._refresh_loader()
        self.environment = Environment(
            loader=self._loader,
            autoescape=select_autoescape(("html", "htm", "xml", "svg"), default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=auto_reload,
        )
        self.environment.code_generator_class = OutputEscapingCodeGenerator
        self.context_processors: list[ContextProcessor] = []
        self._first_found: dict[tuple[str, ...], Template] = {}

    def link_static(self, url: Callable[[str], str]) -> None:
        """Link static files as `url(path)` names them ("/static/..."), under the request's
        mount point: the `static(path)` global and the `{{ "dashkit/css/x.css" | static }}`
        filter, which a template calls directly (a global goes through Jinja2's runtime).

        Both take the template's context: Jinja2 folds a plain filter of a literal into a
        constant when it compiles the template, which linked a mounted app's pages to
        /static/... whatever the request's mount point.
        """

        @pass_context
        def static(context: Context, path: str) -> str:
            request: Request | None = context.parent.get("request")  # quicker than .get()
            return url(path) if request is None else request.root_path + url(path)

        self.environment.globals["static"] = static
        self.environment.filters["static"] = static

    def add_blueprint_folder(self, folder: Path) -> None:
        """Search `folder` after the app's templates and before dashkit's own."""
        self._blueprint_loaders.append(FileSystemLoader(folder))
        self._refresh_loader()

    def _refresh_loader(self) -> None:
        builtin = FileSystemLoader(shipped_path("templates"))
        self._loader.loaders = [*self._app_loaders, *self._blueprint_loaders, builtin]
        self._first_found = {}

    def first_found(self, names: Sequence[str]) -> Template:
        """The first of `names` that exists, e.g. a per-model override before the default.

        Jinja2 caches templates it found, not the ones it did not: each render would
        search every folder again for a missing override. Outside debug mode (no
        auto-reload) the choice is kept until the search folders change.
        """
        key = tuple(names)
        template = self._first_found.get(key)
        if template is None:
            template = self.environment.select_template(key)
            if not self.environment.auto_reload:
                self._first_found[key] = template
        return template

    def context(self, request: Request, values: Mapping[str, Any]) -> dict[str, Any]:
        """The variables every template sees, then the view's own."""
        context: dict[str, Any] = {
            "request": request,
            "url_for": request.url_for,
            "config": request.app.config,
        }
        for processor in self.context_processors:
            context.update(processor(request))
        context.update(values)
        return context

    def render_string(
        self,
        request: Request,
        name: str | Template,
        block: str | None,
        values: Mapping[str, Any],
    ) -> str:
        """Render a template, by name or as loaded (`first_found`), or only its `block`,
        with the request's context to text."""
        template = self.environment.get_template(name)
        if block is not None and block not in template.blocks:
            raise KeyError(f"template {template.name!r} has no block {block!r}")
        # The environment's globals go in first, as Jinja2 would put them: left to it, it
        # copies them out of a ChainMap on every render (more than a small page's own work).
        context = template.new_context(
            {**self.environment.globals, **self.context(request, values)}, shared=True
        )
        render = template.root_render_func if block is None else template.blocks[block]
        try:
            return "".join(render(context))
        except Exception:  # noqa: BLE001 - raised again, its traceback pointing into the template
            self.environment.handle_exception()


def render(
    request: Request,
    template: str | Template,
    /,
    *,
    block: str | None = None,
    status: int = 200,
    **context: Any,
) -> Response:
    """Render a template, by name or as loaded (e.g. `first_found`'s choice of a model's own
    page), or only its `block` for an htmx fragment, into a response."""
    body = request.app.templates.render_string(request, template, block, context)
    response = Response(body, status=status)
    if block is not None:
        response.vary.add("HX-Request")
    return response
