"""examples/hello: the smallest dashkit app, a page, an htmx fragment and a JSON route."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def hello_client(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    monkeypatch.delenv("DASHKIT_CONFIG", raising=False)
    module = importlib.import_module("hello.app")
    yield module.create_app().test_client()
    for name in [m for m in sys.modules if m == "hello" or m.startswith("hello.")]:
        del sys.modules[name]


def test_hello_page(hello_client):
    response = hello_client.get("/?name=<Ada>")
    assert response.status_code == 200
    assert "<h1>Hello from dashkit</h1>" in response.text
    assert "Hello, &lt;Ada&gt;!" in response.text
    assert 'hx-get="/greeting"' in response.text


def test_hello_greeting_fragment_and_fallback(hello_client):
    fragment = hello_client.get("/greeting?name=Bo", headers={"HX-Request": "true"})
    assert fragment.text == "Hello, Bo!"
    full = hello_client.get("/greeting?name=Bo")
    assert "<!doctype html>" in full.text and "Hello, Bo!" in full.text


def test_hello_json_and_assets(hello_client):
    assert hello_client.get("/api/hello/zoe").json == {"hello": "zoe"}
    page = hello_client.get("/").text
    htmx_url = page.split('<script src="')[1].split('"')[0]
    assert htmx_url.startswith("/static/dashkit/vendor/htmx-2.0.11.min.")
    assert hello_client.get(htmx_url).status_code == 200
