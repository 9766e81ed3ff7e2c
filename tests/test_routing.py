"""dashkit/routing.py and URL building: rules, converters, blueprints, url_for."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from werkzeug.routing import BaseConverter

from dashkit import App, Blueprint, Request, Response, UrlBuildError, render


def test_route_decorator_returns_the_view_unchanged(app: App):
    def index(request: Request):
        return "index"

    assert app.route("/")(index) is index


def test_endpoint_defaults_to_the_function_name_or_is_given(app: App, client):
    @app.route("/a")
    def first(request: Request):
        return request.endpoint

    @app.route("/b", endpoint="second")
    def whatever(request: Request):
        return request.endpoint

    assert client.get("/a").text == "first"
    assert client.get("/b").text == "second"
    assert app.url_for("second") == "/b"


def test_add_url_rule_with_methods_and_defaults(app: App, client):
    def page(request: Request, number: int):
        return f"{request.method} page {number}"

    app.add_url_rule("/pages/", "page", page, methods=["get", "post"], defaults={"number": 1})
    app.add_url_rule("/pages/<int:number>", "page", page, methods=["GET", "POST"])
    assert client.get("/pages/").text == "GET page 1"
    assert client.post("/pages/4").text == "POST page 4"
    assert app.url_for("page") == "/pages/"
    assert app.url_for("page", number=3) == "/pages/3"


def test_add_url_rule_needs_a_view(app: App):
    with pytest.raises(TypeError, match=r"add_url_rule\('/x'\) needs a view function"):
        app.add_url_rule("/x", "x")


def test_endpoint_names_cannot_contain_dots(app: App):
    with pytest.raises(ValueError, match="must not contain a dot"):
        app.add_url_rule("/x", "a.b", lambda request: "")
    with pytest.raises(ValueError, match="must not contain a dot"):
        Blueprint("a.b", __name__)


def test_one_endpoint_cannot_serve_two_views(app: App):
    @app.route("/one")
    def view(request: Request):
        return "one"

    def other(request: Request):
        return "two"

    with pytest.raises(ValueError, match="endpoint 'view' is already bound to"):
        app.add_url_rule("/two", "view", other)


@pytest.mark.parametrize(
    ("rule", "path", "expected"),
    [
        ("/n/<int:value>", "/n/42", 42),
        ("/f/<float:value>", "/f/2.5", 2.5),
        ("/p/<path:value>", "/p/a/b/c.txt", "a/b/c.txt"),
        (
            "/u/<uuid:value>",
            "/u/12345678-1234-5678-1234-567812345678",
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
        ),
        ("/a/<any(csv, json):value>", "/a/json", "json"),
        ("/s/<value>", "/s/plain", "plain"),
    ],
)
def test_werkzeug_converters(app: App, client, rule, path, expected):
    seen = []

    def view(request: Request, value):
        seen.append(value)
        return "ok"

    app.add_url_rule(rule, "view", view)
    assert client.get(path).status_code == 200
    assert seen == [expected]
    assert type(seen[0]) is type(expected)
    assert app.url_for("view", value=expected) == path


@pytest.mark.parametrize("path", ["/n/abc", "/n/-1", "/a/xml", "/u/not-a-uuid"])
def test_converters_reject_non_matching_paths(app: App, client, path):
    app.add_url_rule("/n/<int:value>", "n", lambda request, value: "n")
    app.add_url_rule("/a/<any(csv, json):value>", "a", lambda request, value: "a")
    app.add_url_rule("/u/<uuid:value>", "u", lambda request, value: "u")
    assert client.get(path).status_code == 404


class ListConverter(BaseConverter):
    """Comma-separated words in one path segment."""

    def to_python(self, value: str) -> list[str]:
        return value.split(",")

    def to_url(self, value: list[str]) -> str:
        return ",".join(BaseConverter.to_url(self, item) for item in value)


def test_custom_converter(app: App, client):
    app.add_converter("list", ListConverter)

    @app.route("/tags/<list:tags>")
    def tags(request: Request, tags: list[str]):
        return {"tags": tags}

    assert client.get("/tags/red,green").json == {"tags": ["red", "green"]}
    assert app.url_for("tags", tags=["a", "b c"]) == "/tags/a,b%20c"


def test_unknown_converter_is_reported_at_registration(app: App):
    with pytest.raises(LookupError, match="nosuch"):
        app.add_url_rule("/x/<nosuch:value>", "x", lambda request, value: "")


def test_app_url_for_external_and_anchor(app: App):
    app.add_url_rule("/orders/<int:order_id>", "order", lambda request, order_id: "")
    assert app.url_for("order", order_id=5) == "/orders/5"
    assert app.url_for("order", order_id=5, page=2) == "/orders/5?page=2"
    assert app.url_for("order", order_id=5, _anchor="lines") == "/orders/5#lines"
    assert app.url_for("order", order_id=5, _external=True) == "http://localhost/orders/5"
    app.config["SERVER_NAME"] = "admin.example.com"
    app.config["PREFERRED_URL_SCHEME"] = "https"
    assert app.url_for("order", order_id=5, _external=True) == "https://admin.example.com/orders/5"


def test_request_url_for_external_uses_the_request_host(app: App, client):
    @app.route("/here")
    def here(request: Request):
        return request.url_for("here", _external=True, _anchor="top")

    assert (
        client.get("/here", base_url="https://shop.test:8443").text
        == "https://shop.test:8443/here#top"
    )


def test_build_error_names_unknown_endpoint_and_close_matches(app: App):
    app.add_url_rule("/orders", "order_list", lambda request: "")
    with pytest.raises(
        UrlBuildError, match=r"unknown endpoint 'orders_list'; did you mean order_list\?"
    ):
        app.url_for("orders_list")
    with pytest.raises(UrlBuildError, match=r"unknown endpoint 'zzz'$"):
        app.url_for("zzz")


def test_build_error_names_missing_values(app: App):
    app.add_url_rule("/o/<int:order_id>/<int:line>", "line", lambda request, **args: "")
    with pytest.raises(UrlBuildError, match=r"endpoint 'line': missing values line, order_id"):
        app.url_for("line")
    with pytest.raises(UrlBuildError, match=r"endpoint 'line': missing values order_id"):
        app.url_for("line", line=1)


def test_build_error_for_values_a_converter_refuses(app: App):
    app.add_url_rule("/a/<any(csv, json):kind>", "export", lambda request, kind: "")
    with pytest.raises(
        UrlBuildError, match=r"endpoint 'export': 'xml' is not one of 'csv', 'json'"
    ):
        app.url_for("export", kind="xml")


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """Folders for a blueprint's templates and static files."""
    (tmp_path / "templates" / "shop").mkdir(parents=True)
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "shop.css").write_text("body { color: teal; }")
    (tmp_path / "templates" / "shop" / "item.html").write_text(
        "item {{ number }} at {{ url_for('.item', number=number) }}"
        " list {{ url_for('.items') }} home {{ url_for('home') }}"
        " css {{ static('shop/shop.css') }}"
    )
    return tmp_path


@pytest.fixture
def shop(package: Path) -> Blueprint:
    shop = Blueprint(
        "shop",
        __name__,
        url_prefix="/shop/",
        template_folder=str(package / "templates"),
        static_folder=str(package / "static"),
    )

    @shop.route("/")
    def items(request: Request):
        return f"{request.blueprint}: {request.url_for('.item', number=1)}"

    @shop.route("/<int:number>", methods=["GET", "POST"])
    def item(request: Request, number: int):
        return render(request, "shop/item.html", number=number)

    return shop


def test_blueprint_routes_get_prefix_and_dotted_endpoints(app: App, client, shop: Blueprint):
    app.add_url_rule("/", "home", lambda request: "home")
    app.register_blueprint(shop)
    assert client.get("/shop/").text == "shop: /shop/1"
    assert app.url_for("shop.item", number=2) == "/shop/2"
    assert {rule.endpoint for rule in app.url_map.iter_rules()} == {
        "home",
        "shop.items",
        "shop.item",
    }
    assert client.post("/shop/3").status_code == 200
    assert client.delete("/shop/3").status_code == 405


def test_relative_endpoints_in_blueprint_templates_and_static(app: App, client, shop: Blueprint):
    app.add_url_rule("/", "home", lambda request: "home")
    app.register_blueprint(shop)
    text = client.get("/shop/7").text
    assert "item 7 at /shop/7 list /shop/ home /" in text
    css_url = text.rpartition("css ")[2]
    assert css_url.startswith("/static/shop/shop.") and css_url.endswith(".css")
    assert client.get(css_url).text == "body { color: teal; }"


def test_relative_endpoint_outside_a_blueprint_means_the_app(app: App, client):
    @app.route("/")
    def home(request: Request):
        return request.url_for(".home")

    assert client.get("/").text == "/"


def test_blueprint_names_are_unique(app: App):
    app.register_blueprint(Blueprint("shop", __name__))
    with pytest.raises(ValueError, match="a blueprint named 'shop' is already registered"):
        app.register_blueprint(Blueprint("shop", __name__))


def test_blueprint_hooks_run_only_for_its_routes_after_the_apps(app: App, client):
    events: list[str] = []
    admin = Blueprint("admin", __name__, url_prefix="/admin")

    @app.before_request
    def app_before(request: Request):
        events.append("app before")

    @admin.before_request
    def admin_before(request: Request):
        events.append("admin before")

    @app.after_request
    def app_after(request: Request, response: Response):
        events.append("app after")
        return response

    @admin.after_request
    def admin_after(request: Request, response: Response):
        events.append("admin after")
        return response

    @admin.teardown_request
    def admin_teardown(request: Request, error):
        events.append("admin teardown")

    admin.add_url_rule("/", "index", lambda request: events.append("view") or "admin")
    app.add_url_rule("/", "home", lambda request: events.append("view") or "home")
    app.register_blueprint(admin)

    client.get("/admin/")
    assert events == [
        "app before",
        "admin before",
        "view",
        "admin after",
        "app after",
        "admin teardown",
    ]
    events.clear()
    client.get("/")
    assert events == ["app before", "view", "app after"]


def test_blueprint_error_handler_wins_for_its_routes(app: App, client):
    api = Blueprint("api", __name__, url_prefix="/api")

    @api.errorhandler(KeyError)
    def api_missing(request: Request, error: KeyError):
        return {"missing": error.args[0]}, 404

    @app.errorhandler(KeyError)
    def app_missing(request: Request, error: KeyError):
        return "missing page", 404

    def lookup(request: Request):
        return {}["thing"]

    api.add_url_rule("/thing", "thing", lookup)
    app.add_url_rule("/thing", "thing", lookup)
    app.register_blueprint(api)
    assert client.get("/api/thing").json == {"missing": "thing"}
    assert client.get("/thing").text == "missing page"


def test_blueprint_before_request_can_answer(app: App, client):
    private = Blueprint("private", __name__, url_prefix="/private")

    @private.before_request
    def deny(request: Request):
        return "denied", 403

    private.add_url_rule("/", "index", lambda request: "secret")
    app.register_blueprint(private)
    response = client.get("/private/")
    assert (response.status_code, response.text) == (403, "denied")
