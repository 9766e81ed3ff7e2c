"""What an app reuses across requests: built URLs (dashkit/app.py) and the chosen
template of a per-model override (dashkit/templating.py). Reuse must never show one
request's answer to another that differs."""

from __future__ import annotations

from pathlib import Path

from dashkit import App, Request
from dashkit.templating import Templates


def _urls_app(app: App) -> App:
    @app.route("/items/<int:item_id>")
    def item(request: Request, item_id: int):
        return request.url_for("item", item_id=item_id + 1) + " " + request.url_for("links")

    @app.route("/links")
    def links(request: Request):
        return request.url_for("item", item_id=7)

    return app


def test_a_url_kept_for_reuse_follows_the_mount_point(app: App, client):
    _urls_app(app)
    assert client.get("/items/1").text == "/items/2 /links"
    assert client.get("/items/1", base_url="http://localhost/tools").text == (
        "/tools/items/2 /tools/links"
    )
    assert client.get("/items/1").text == "/items/2 /links"


def test_a_url_follows_the_host_and_the_query_arguments(app: App, client):
    @app.route("/next")
    def next_page(request: Request):
        return request.url_for("next_page", page=request.args["page"])

    assert client.get("/next?page=2").text == "/next?page=2"
    assert client.get("/next?page=3").text == "/next?page=3"
    assert client.get("/next?page=3", headers={"Host": "other.test"}).text == "/next?page=3"


def test_a_route_added_later_is_built_again(app: App, client):
    def items(request: Request, item_id: int | None = None):
        return request.url_for("items", item_id=7)

    app.route("/items")(items)
    assert client.get("/items").text == "/items?item_id=7"
    app.route("/items/<int:item_id>")(items)
    assert client.get("/items").text == "/items/7"


def test_a_non_text_value_is_built_every_time(app: App, client):
    class Key:
        def __init__(self, text: str):
            self.text = text

        def __str__(self) -> str:
            return self.text

    @app.route("/keys/<key>")
    def key_page(request: Request, key: str):
        return request.url_for("key_page", key=Key(key.upper()))

    assert client.get("/keys/a").text == "/keys/A"
    assert client.get("/keys/b").text == "/keys/B"


def test_the_chosen_override_is_kept_until_the_folders_change(tmp_path: Path):
    app_folder, extra = tmp_path / "app", tmp_path / "extra"
    (app_folder / "admin").mkdir(parents=True)
    extra.mkdir()
    (app_folder / "admin" / "list.html").write_text("default")
    templates = Templates(app_folder, auto_reload=False)
    names = ("admin/orders/list.html", "admin/list.html")
    assert templates.first_found(names).render() == "default"
    (extra / "admin" / "orders").mkdir(parents=True)
    (extra / "admin" / "orders" / "list.html").write_text("override")
    templates.add_blueprint_folder(extra)
    assert templates.first_found(names).render() == "override"


def test_in_debug_mode_a_new_override_is_found_at_once(tmp_path: Path):
    (tmp_path / "admin").mkdir()
    (tmp_path / "admin" / "list.html").write_text("default")
    templates = Templates(tmp_path, auto_reload=True)
    names = ("admin/orders/list.html", "admin/list.html")
    assert templates.first_found(names).render() == "default"
    (tmp_path / "admin" / "orders").mkdir()
    (tmp_path / "admin" / "orders" / "list.html").write_text("override")
    assert templates.first_found(names).render() == "override"
