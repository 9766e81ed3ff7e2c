"""dashkit/http.py: the Request properties and the response helpers views return."""

from __future__ import annotations

import datetime
import inspect
import json
import subprocess
import sys

import pytest
from werkzeug.exceptions import HTTPException
from werkzeug.test import EnvironBuilder

from dashkit import (
    App,
    Request,
    Response,
    abort,
    hx_push_url,
    hx_redirect,
    hx_trigger,
    json_response,
    redirect,
)


def make_request(**builder_args) -> Request:
    return Request(EnvironBuilder(**builder_args).get_environ())


def test_is_htmx_and_target():
    htmx = make_request(headers={"HX-Request": "true", "HX-Target": "rows"})
    plain = make_request()
    assert htmx.is_htmx is True
    assert htmx.htmx_target == "rows"
    assert plain.is_htmx is False
    assert plain.htmx_target is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Accept": "application/json"}, True),
        ({"Accept": "text/html,application/json;q=0.9"}, False),
        ({"Accept": "application/json", "HX-Request": "true"}, False),
        ({"Accept": "*/*"}, False),
        ({}, False),
    ],
)
def test_wants_json(headers, expected):
    assert make_request(headers=headers).wants_json is expected


def test_blueprint_comes_from_the_endpoint():
    request = make_request()
    assert request.blueprint is None
    request.endpoint = "admin.list"
    assert request.blueprint == "admin"
    request.endpoint = "home"
    assert request.blueprint is None


def test_request_without_an_app_has_no_lazy_attributes():
    with pytest.raises(AttributeError, match="request has no attribute 'db'"):
        _ = make_request().db


def test_response_defaults_to_html():
    assert Response("x").content_type == "text/html; charset=utf-8"


def test_json_response_keeps_unicode_and_stringifies_the_rest():
    response = json_response(
        {"name": "Zoë", "when": datetime.date(2024, 5, 1)}, status=201, headers={"X-Test": "1"}
    )
    assert response.status_code == 201
    assert response.content_type == "application/json"
    assert response.headers["X-Test"] == "1"
    assert response.get_data(as_text=True) == '{"name":"Zoë","when":"2024-05-01"}'


def test_redirect_is_303_by_default():
    response = redirect("/next?x=1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/next?x=1"
    assert redirect("/moved", 301).status_code == 301


def test_abort_raises_the_http_error():
    with pytest.raises(HTTPException) as raised:
        abort(409, "version changed")
    assert raised.value.code == 409
    assert raised.value.description == "version changed"


def test_hx_redirect():
    response = hx_redirect("/orders/1")
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/orders/1"


def test_hx_trigger_accumulates_events():
    response = hx_trigger(Response("ok"), "saved", {"id": 3})
    assert hx_trigger(response, "refresh") is response
    assert json.loads(response.headers["HX-Trigger"]) == {"saved": {"id": 3}, "refresh": None}


def test_hx_push_url():
    response = hx_push_url(Response("ok"), "/orders?page=2")
    assert response.headers["HX-Push-Url"] == "/orders?page=2"


def test_helpers_work_as_view_return_values(app: App, client):
    @app.route("/save", methods=["POST"])
    def save(request: Request):
        if request.is_htmx:
            return hx_push_url(hx_trigger(Response("saved"), "saved"), "/list")
        return redirect("/list")

    plain = client.post("/save")
    assert plain.status_code == 303
    htmx = client.post("/save", headers={"HX-Request": "true"})
    assert htmx.text == "saved"
    assert htmx.headers["HX-Push-Url"] == "/list"
    assert json.loads(htmx.headers["HX-Trigger"]) == {"saved": None}


def test_a_query_string_byte_that_is_not_utf8_reads_as_a_replacement_character():
    app = App("tests", {"SECRET_KEY": "x"})

    @app.route("/echo")
    def echo(request):
        return {"q": request.args.get("q"), "ok": request.args.get("ok")}

    client = app.test_client()
    answer = client.get("/echo", environ_overrides={"QUERY_STRING": "q=\xff&ok=caf%C3%A9"})
    assert answer.json == {"q": "\ufffd", "ok": "café"}


def test_the_request_attributes_of_dashkits_layers_are_declared_with_their_types():
    from sqlalchemy.orm import Session

    from dashkit.auth.sessions import Session as UserSession
    from dashkit.auth.signed_in import SignedInUser

    names = {"App": App, "DataSession": Session, "UserSession": UserSession}
    names["SignedInUser"] = SignedInUser
    hints = inspect.get_annotations(Request, locals=names, eval_str=True)
    assert hints["db"] is Session and hints["state_db"] is Session
    assert hints["session"] is UserSession
    assert hints["user"] == SignedInUser | None
    assert hints["permissions"] == frozenset[str] and hints["csrf_token"] is str


def test_declared_attributes_are_built_once_by_the_factory_an_app_installs(app: App, client):
    built = []

    def permissions(request: Request) -> frozenset[str]:
        built.append(request.path)
        return frozenset({"orders.view"})

    app.add_request_attribute("permissions", permissions)

    @app.route("/granted")
    def granted(request: Request):
        return " ".join(sorted(request.permissions | request.permissions))

    assert client.get("/granted").text == "orders.view"
    assert built == ["/granted"]


def test_an_attribute_no_layer_installed_is_an_attribute_error():
    request = make_request()
    for name in ("db", "user", "permissions", "no_such_thing"):
        with pytest.raises(AttributeError, match=name):
            getattr(request, name)
    assert not hasattr(request, "state_db")


def test_the_core_request_imports_neither_the_database_nor_the_auth_layer():
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, dashkit.http; print(*sorted(m for m in sys.modules if m.startswith("
            "('dashkit.db', 'dashkit.auth', 'sqlalchemy'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == ""
