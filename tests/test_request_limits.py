"""Request body limits: too large a body is refused with 413, before it is read."""

from __future__ import annotations

import io
import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from dashkit import App
from dashkit.request_limits import body_limit


class WatchedBody(io.BytesIO):
    """A request body that remembers whether anyone read it."""

    was_read = False

    def read(self, *args):
        self.was_read = True
        return super().read(*args)

    readline = read


@pytest.fixture
def limited_app() -> App:
    app = App("tests", {"SECRET_KEY": "test-secret", "MAX_CONTENT_LENGTH": 4096})

    @app.route("/notes", methods=("POST",))
    def notes(request):
        return {"fields": len(request.form), "bytes": len(request.form.get("text", ""))}

    @app.route("/upload", methods=("POST",))
    @body_limit(64 * 1024)
    def upload(request):
        return {"bytes": len(request.files["file"].read())}

    return app


def test_a_declared_oversized_body_is_refused_before_it_is_read(limited_app):
    body = WatchedBody(b"text=" + b"x" * 100)
    response = limited_app.test_client().post(
        "/notes",
        input_stream=body,
        environ_overrides={"CONTENT_LENGTH": str(100 * 1024 * 1024)},
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    assert "larger than the 4 KB this page accepts" in response.get_data(as_text=True)
    assert not body.was_read


def test_bodies_within_the_limit_are_read(limited_app):
    response = limited_app.test_client().post("/notes", data={"text": "x" * 3000})
    assert response.status_code == 200 and response.json == {"fields": 1, "bytes": 3000}


@pytest.mark.parametrize("size", [3000, 10_000])
def test_a_chunked_body_is_cut_off_at_the_limit(limited_app, size):
    environ = EnvironBuilder(
        "/notes",
        method="POST",
        input_stream=io.BytesIO(b"text=" + b"x" * size),
        headers={"Transfer-Encoding": "chunked"},
        content_type="application/x-www-form-urlencoded",
    ).get_environ()
    del environ["CONTENT_LENGTH"]  # as a server passes a chunked body on
    environ["wsgi.input_terminated"] = True
    body, status, _ = run_wsgi_app(limited_app, environ, buffered=True)
    if size < 4096:
        assert status.startswith("200") and json.loads(b"".join(body))["bytes"] == size
    else:
        assert status.startswith("413")


def test_htmx_and_api_callers_get_the_413_as_json(limited_app):
    client = limited_app.test_client()
    big = {"text": "x" * 5000}
    htmx = client.post("/notes", data=big, headers={"HX-Request": "true"})
    api = client.post("/notes", data=big, headers={"Accept": "application/json"})
    for response in (htmx, api):
        assert response.status_code == 413 and response.json["status"] == 413
        assert "4 KB" in response.json["detail"]


def test_a_view_may_accept_a_larger_upload(limited_app):
    client = limited_app.test_client()
    file = {"file": (io.BytesIO(b"x" * 50_000), "data.csv")}
    assert client.post("/upload", data=file).json == {"bytes": 50_000}
    file = {"file": (io.BytesIO(b"x" * 70_000), "data.csv")}
    assert client.post("/upload", data=file).status_code == 413


def test_a_form_with_too_many_parts_is_refused():
    app = App("tests", {"SECRET_KEY": "test-secret", "MAX_FORM_PARTS": 10})
    app.add_url_rule("/f", endpoint="f", methods=("POST",), view=lambda r: str(len(r.form)))
    client = app.test_client()
    fields = {f"field{n}": "v" for n in range(11)}
    assert client.post("/f", data=fields, content_type="multipart/form-data").status_code == 413
    assert client.post("/f", data=dict(list(fields.items())[:5])).status_code == 200


def test_the_default_limit_is_ten_megabytes():
    app = App("tests", {"SECRET_KEY": "test-secret"})
    assert app.request_limits.max_content_length == 10 * 1024 * 1024
