"""A small dashkit app: a page, a JSON endpoint and an htmx fragment."""

from __future__ import annotations

from typing import Any

from dashkit import App, Request, render


def create_app(config: dict[str, Any] | None = None) -> App:
    app = App(__name__, {"DEBUG": True, **(config or {})})

    @app.route("/")
    def index(request: Request):
        return render(request, "hello.html", name=request.args.get("name", "world"))

    @app.route("/greeting")
    def greeting(request: Request):
        block = "greeting" if request.is_htmx else None
        return render(request, "hello.html", block=block, name=request.args.get("name", "world"))

    @app.route("/api/hello/<name>")
    def hello_json(request: Request, name: str):
        return {"hello": name}

    return app
