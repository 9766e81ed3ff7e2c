"""The same two routes in dashkit, Flask and bare Werkzeug, for bench/dispatch.py.

`/` answers "Hello, World!"; `/users/<int:user_id>/posts/<slug>` renders a small
template. gunicorn loads these objects as `apps:dashkit_app` and so on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, render_template
from jinja2 import Environment, FileSystemLoader, select_autoescape
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from dashkit import App, render

TEMPLATES = Path(__file__).resolve().parent / "templates"
HELLO = "Hello, World!"
POST_PATH = "/users/42/posts/hello-dashkit"
TAGS = ["python", "wsgi", "htmx"]


def make_dashkit_app() -> App:
    app = App(__name__, {"SECRET_KEY": "bench"}, template_folder=str(TEMPLATES), static_folder=None)

    @app.route("/")
    def hello(request):
        return HELLO

    @app.route("/users/<int:user_id>/posts/<slug>")
    def post(request, user_id: int, slug: str):
        return render(request, "post.html", title=slug, slug=slug, user_id=user_id, tags=TAGS)

    return app


def make_flask_app() -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES), static_folder=None)

    @app.route("/")
    def hello():
        return HELLO

    @app.route("/users/<int:user_id>/posts/<slug>")
    def post(user_id: int, slug: str):
        return render_template("post.html", title=slug, slug=slug, user_id=user_id, tags=TAGS)

    return app


class WerkzeugApp:
    """A hand-written minimal app: a Map, Request and Response, and a Jinja2 environment."""

    def __init__(self) -> None:
        self.url_map = Map([
            Rule("/", endpoint="hello"),
            Rule("/users/<int:user_id>/posts/<slug>", endpoint="post"),
        ])
        self.templates = Environment(
            loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(), auto_reload=False
        )

    def hello(self, request: Request) -> Response:
        return Response(HELLO, mimetype="text/html")

    def post(self, request: Request, user_id: int, slug: str) -> Response:
        html = self.templates.get_template("post.html").render(
            title=slug, slug=slug, user_id=user_id, tags=TAGS
        )
        return Response(html, mimetype="text/html")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            endpoint, arguments = adapter.match()
            response = getattr(self, endpoint)(request, **arguments)
        except HTTPException as error:
            response = error
        return response(environ, start_response)


dashkit_app = make_dashkit_app()
flask_app = make_flask_app()
werkzeug_app = WerkzeugApp()
