"""dashkit/app.py: the WSGI entry, return values, hooks, errors, middleware and running."""

from __future__ import annotations

import logging

import pytest
from werkzeug.debug import DebuggedApplication
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.test import Client, run_wsgi_app

import dashkit.app
from dashkit import App, Request, Response, abort, redirect
from dashkit.app import is_loopback


def test_app_is_a_wsgi_callable(app: App):
    @app.route("/")
    def index(request: Request):
        return "hello"

    body, status, headers = run_wsgi_app(
        app,
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/",
            "SERVER_NAME": "localhost",
            "SERVER_PORT": "80",
            "wsgi.url_scheme": "http",
        },
    )
    assert status == "200 OK"
    assert b"".join(body) == b"hello"
    assert headers["Content-Type"] == "text/html; charset=utf-8"


def test_view_receives_the_request_and_url_arguments(app: App, client):
    seen = {}

    @app.route("/orders/<int:order_id>")
    def order(request: Request, order_id: int):
        seen.update(request=request, order_id=order_id)
        return f"order {order_id}"

    assert client.get("/orders/7").text == "order 7"
    assert seen["order_id"] == 7
    assert isinstance(seen["request"], Request)
    assert seen["request"].app is app
    assert seen["request"].endpoint == "order"
    assert seen["request"].view_args == {"order_id": 7}


@pytest.mark.parametrize(
    ("returned", "status", "content_type", "body"),
    [
        ("<b>hi</b>", 200, "text/html; charset=utf-8", b"<b>hi</b>"),
        (b"raw", 200, "text/html; charset=utf-8", b"raw"),
        ({"a": 1}, 200, "application/json", b'{"a":1}'),
        ([1, "é"], 200, "application/json", '[1,"é"]'.encode()),
        (("created", 201), 201, "text/html; charset=utf-8", b"created"),
        (({"id": 3}, 201, {"X-Id": "3"}), 201, "application/json", b'{"id":3}'),
        (Response("plain", mimetype="text/plain"), 200, "text/plain; charset=utf-8", b"plain"),
        ((Response("gone"), 410), 410, "text/html; charset=utf-8", b"gone"),
    ],
)
def test_return_values_become_responses(app: App, client, returned, status, content_type, body):
    app.add_url_rule("/", "index", lambda request: returned)
    response = client.get("/")
    assert response.status_code == status
    assert response.content_type == content_type
    assert response.data == body


def test_third_tuple_item_sets_headers(app: App, client):
    app.add_url_rule("/", "index", lambda request: ("ok", 202, {"X-Extra": "yes"}))
    response = client.get("/")
    assert response.status_code == 202
    assert response.headers["X-Extra"] == "yes"


@pytest.mark.parametrize(
    ("returned", "complaint"),
    [
        (None, "returned NoneType"),
        (42, "returned int"),
        (("a", 200, {}, "extra"), "returned a tuple of 4"),
        (("only",), "returned a tuple of 1"),
    ],
)
def test_unusable_return_value_is_a_type_error_naming_the_view(app: App, returned, complaint):
    def broken_view(request: Request):
        return returned

    app.add_url_rule("/", view=broken_view)
    app.propagate_exceptions = True
    with pytest.raises(TypeError) as raised:
        app.test_client().get("/")
    assert complaint in str(raised.value)
    assert (
        "test_app.test_unusable_return_value_is_a_type_error_naming_the_view.<locals>.broken_view"
        in str(raised.value)
    )


def test_unknown_url_is_404_page(app: App, client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "<h1>404 Not Found</h1>" in response.text
    assert response.content_type == "text/html; charset=utf-8"


def test_api_callers_get_errors_as_json(app: App, client):
    response = client.get("/nowhere", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404
    assert response.json["error"] == "Not Found"


def test_wrong_method_is_405_with_allow_header(app: App, client):
    @app.route("/form", methods=["GET", "POST"])
    def form(request: Request):
        return request.method

    response = client.delete("/form")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}
    assert client.post("/form").text == "POST"


def test_head_is_answered_for_get_routes_without_a_body(app: App, client):
    calls = []

    @app.route("/")
    def index(request: Request):
        calls.append(request.method)
        return "a body"

    response = client.head("/")
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "6"
    assert calls == ["HEAD"]


def test_options_is_answered_automatically(app: App, client):
    @app.route("/things", methods=["GET", "POST"])
    def things(request: Request):
        raise AssertionError("OPTIONS must not reach the view")

    response = client.options("/things")
    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "POST", "OPTIONS"}


def test_a_view_that_declares_options_handles_it(app: App, client):
    @app.route("/cors", methods=["GET", "OPTIONS"])
    def cors(request: Request):
        return ("preflight", 204) if request.method == "OPTIONS" else "get"

    assert client.options("/cors").status_code == 204


def test_missing_trailing_slash_redirects_with_location(app: App, client):
    @app.route("/items/")
    def items(request: Request):
        return "items"

    response = client.get("/items?page=2")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/items/?page=2"
    assert client.get("/items", follow_redirects=True).text == "items"


def test_abort_and_redirect(app: App, client):
    @app.route("/secret")
    def secret(request: Request):
        abort(403, "members only")

    @app.route("/old")
    def old(request: Request):
        return redirect("/new")

    forbidden = client.get("/secret")
    assert forbidden.status_code == 403
    assert "members only" in forbidden.text
    moved = client.get("/old")
    assert moved.status_code == 303
    assert moved.headers["Location"] == "/new"


def test_unhandled_exception_is_a_plain_500_and_a_logged_traceback(app: App, client, caplog):
    @app.route("/boom")
    def boom(request: Request):
        raise RuntimeError("secret detail of the failure")

    with caplog.at_level(logging.ERROR, logger="dashkit"):
        response = client.get("/boom")
    assert response.status_code == 500
    assert "500 Internal Server Error" in response.text
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    record = next(r for r in caplog.records if "unhandled exception on GET /boom" in r.getMessage())
    assert record.exc_info[0] is RuntimeError
    assert "secret detail of the failure" in caplog.text
    assert "Traceback" in caplog.text


def test_error_page_survives_a_broken_error_template(tmp_path, caplog):
    (tmp_path / "dashkit").mkdir()
    (tmp_path / "dashkit" / "error.html").write_text("{{ undefined_function() }}")
    app = App("tests", {"SECRET_KEY": "s"}, template_folder=str(tmp_path))
    with caplog.at_level(logging.ERROR, logger="dashkit"):
        response = app.test_client().get("/missing")
    assert response.status_code == 404
    assert "<h1>404 Not Found</h1>" in response.text
    assert "error page template failed" in caplog.text


def test_errorhandler_for_status_code(app: App, client):
    @app.errorhandler(404)
    def not_found(request: Request, error: NotFound):
        return f"no page at {request.path}", 404

    response = client.get("/lost")
    assert response.status_code == 404
    assert response.text == "no page at /lost"


def test_errorhandler_for_exception_class_matches_subclasses(app: App, client):
    class OutOfStock(LookupError):
        pass

    @app.errorhandler(LookupError)
    def lookup_failed(request: Request, error: LookupError):
        return {"problem": type(error).__name__}, 409

    @app.route("/buy")
    def buy(request: Request):
        raise OutOfStock()

    response = client.get("/buy")
    assert response.status_code == 409
    assert response.json == {"problem": "OutOfStock"}


def test_errorhandler_for_aborts_by_class(app: App, client):
    @app.errorhandler(Forbidden)
    def forbidden(request: Request, error: Forbidden):
        return "go away", 403

    app.add_url_rule("/", "index", lambda request: abort(403))
    assert client.get("/").text == "go away"


def test_failing_error_handler_falls_back_to_500(app: App, client, caplog):
    @app.errorhandler(ValueError)
    def clumsy(request: Request, error: ValueError):
        raise KeyError("handler bug")

    app.add_url_rule("/", "index", lambda request: int("x"))
    with caplog.at_level(logging.ERROR, logger="dashkit"):
        response = client.get("/")
    assert response.status_code == 500
    assert "error handler" in caplog.text and "clumsy failed" in caplog.text


def test_hooks_run_in_order_around_the_view(app: App, client):
    events: list[str] = []

    @app.before_request
    def first(request: Request):
        events.append("before 1")

    @app.before_request
    def second(request: Request):
        events.append("before 2")

    @app.after_request
    def add_header(request: Request, response: Response):
        events.append("after 1")
        response.headers["X-After"] = "1"
        return response

    @app.after_request
    def later(request: Request, response: Response):
        events.append("after 2")
        return response

    @app.teardown_request
    def cleanup(request: Request, error):
        events.append(f"teardown {error!r}")

    @app.route("/")
    def index(request: Request):
        events.append("view")
        return "ok"

    response = client.get("/")
    assert response.headers["X-After"] == "1"
    assert events == ["before 1", "before 2", "view", "after 2", "after 1", "teardown None"]


def test_before_request_can_answer_instead_of_the_view(app: App, client):
    @app.before_request
    def maintenance(request: Request):
        return "down for maintenance", 503

    @app.after_request
    def stamp(request: Request, response: Response):
        response.headers["X-Stamped"] = "yes"
        return response

    app.add_url_rule("/", "index", lambda request: pytest.fail("view must not run"))
    response = client.get("/")
    assert response.status_code == 503
    assert response.text == "down for maintenance"
    assert response.headers["X-Stamped"] == "yes"


def test_teardown_sees_the_unhandled_error_and_runs_even_if_it_fails(app: App, client, caplog):
    seen = []

    @app.teardown_request
    def record(request: Request, error):
        seen.append(error)

    @app.teardown_request
    def broken(request: Request, error):
        raise RuntimeError("teardown bug")

    @app.route("/boom")
    def boom(request: Request):
        raise ValueError("view bug")

    with caplog.at_level(logging.ERROR, logger="dashkit"):
        assert client.get("/boom").status_code == 500
        assert client.get("/missing").status_code == 404
    assert isinstance(seen[0], ValueError)
    assert seen[1] is None
    assert "teardown hook" in caplog.text and "broken failed" in caplog.text


def test_after_request_runs_on_error_responses(app: App, client):
    @app.after_request
    def stamp(request: Request, response: Response):
        response.headers["X-Stamped"] = str(response.status_code)
        return response

    assert client.get("/missing").headers["X-Stamped"] == "404"


def test_middleware_wraps_dispatch_first_added_outermost(app: App, client):
    order: list[str] = []

    def outer(request: Request, call_next):
        order.append("outer in")
        response = call_next(request)
        order.append("outer out")
        response.headers["X-Outer"] = "1"
        return response

    def inner(request: Request, call_next):
        order.append("inner in")
        response = call_next(request)
        order.append("inner out")
        return response

    app.add_middleware(outer)
    app.add_middleware(inner)
    app.add_url_rule("/", "index", lambda request: order.append("view") or "ok")
    response = client.get("/")
    assert response.headers["X-Outer"] == "1"
    assert order == ["outer in", "inner in", "view", "inner out", "outer out"]


def test_middleware_added_later_can_ask_to_be_outermost(app: App, client):
    order: list[str] = []

    def tracer(name: str):
        def middleware(request: Request, call_next):
            order.append(name)
            return call_next(request)

        return middleware

    app.add_middleware(tracer("first"))
    app.add_middleware(tracer("outermost"), outermost=True)
    app.add_url_rule("/", "index", lambda request: "ok")
    client.get("/")
    assert order == ["outermost", "first"]


def test_middleware_can_short_circuit_and_build_urls(app: App, client):
    def login_gate(request: Request, call_next):
        if request.path != "/login":
            return redirect(request.url_for("login"))
        return call_next(request)

    app.add_middleware(login_gate)
    app.add_url_rule("/login", "login", lambda request: "log in")
    app.add_url_rule("/private", "private", lambda request: "private")
    response = client.get("/private")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"


def test_middleware_exception_becomes_an_error_response(app: App, client):
    def strict(request: Request, call_next):
        abort(400, "bad host")

    app.add_middleware(strict)
    response = client.get("/")
    assert response.status_code == 400
    assert "bad host" in response.text


def test_request_attributes_are_built_lazily_once(app: App, client):
    built = []

    def make_thing(request: Request):
        built.append(request.path)
        return {"path": request.path}

    app.add_request_attribute("thing", make_thing)

    @app.route("/uses")
    def uses(request: Request):
        return f"{request.thing['path']} {request.thing is request.thing}"

    app.add_url_rule("/ignores", "ignores", lambda request: "no thing")
    assert client.get("/ignores").text == "no thing"
    assert built == []
    assert client.get("/uses").text == "/uses True"
    assert built == ["/uses"]


def test_unknown_request_attribute_is_an_attribute_error(app: App, client):
    app.propagate_exceptions = True
    app.add_url_rule("/", "index", lambda request: request.no_such_thing)
    with pytest.raises(AttributeError, match="no_such_thing"):
        client.get("/")


def test_extensions_are_per_app(app: App):
    other = App("tests", {"SECRET_KEY": "other"})
    app.extensions["db"] = object()
    assert "db" not in other.extensions


def test_test_client_keeps_cookies(app: App, client):
    @app.route("/set")
    def set_cookie(request: Request):
        response = Response("set")
        response.set_cookie("flavour", "ginger")
        return response

    app.add_url_rule("/get", "get", lambda request: request.cookies.get("flavour", "none"))
    client.get("/set")
    assert client.get("/get").text == "ginger"


def test_routes_added_after_the_first_request_are_served(app: App, client):
    assert client.get("/late").status_code == 404
    app.add_url_rule("/late", "late", lambda request: "here now")
    assert client.get("/late").text == "here now"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_is_loopback(host, expected):
    assert is_loopback(host) is expected


@pytest.fixture
def served(monkeypatch):
    """Capture what App.run hands to Werkzeug's run_simple instead of serving."""
    calls: list[dict] = []

    def fake_run_simple(host, port, application, **options):
        calls.append({"host": host, "port": port, "app": application, **options})

    monkeypatch.setattr(dashkit.app, "run_simple", fake_run_simple)
    return calls


def test_run_uses_debugger_only_on_loopback(app: App, served, caplog):
    app.run("127.0.0.1", 5001, debug=True)
    assert served[-1]["use_debugger"] is True
    assert served[-1]["port"] == 5001
    assert served[-1]["app"] is app
    assert app.propagate_exceptions is True

    with caplog.at_level(logging.WARNING, logger="dashkit"):
        app.run("0.0.0.0", 5002, debug=True)
    assert served[-1]["use_debugger"] is False
    assert app.propagate_exceptions is False
    assert "debugger disabled: 0.0.0.0 is not a loopback address" in caplog.text


def test_run_defaults_to_the_app_debug_setting_and_passes_reload(served):
    debug_app = App("tests", {"DEBUG": True})
    debug_app.run(reload=True)
    assert served[-1]["host"] == "127.0.0.1"
    assert served[-1]["port"] == 8000
    assert served[-1]["use_debugger"] is True
    assert served[-1]["use_reloader"] is True

    quiet_app = App("tests", {"SECRET_KEY": "s"})
    quiet_app.run("localhost", 8001)
    assert served[-1]["use_debugger"] is False
    assert served[-1]["use_reloader"] is False


def test_debugger_mode_lets_exceptions_reach_werkzeug(app: App, served):
    app.add_url_rule("/boom", "boom", lambda request: 1 / 0)
    app.run("::1", 5003, debug=True)
    with pytest.raises(ZeroDivisionError):
        app.test_client().get("/boom")


def test_debug_on_loopback_shows_the_interactive_debugger(app: App, served):
    app.add_url_rule("/boom", "boom", lambda request: 1 / 0)
    app.run("127.0.0.1", 5004, debug=True)
    debugged = DebuggedApplication(served[-1]["app"], evalex=served[-1]["use_debugger"])
    response = Client(debugged).get("/boom")
    assert response.status_code == 500
    assert "ZeroDivisionError" in response.text
    assert "Werkzeug Debugger" in response.text
