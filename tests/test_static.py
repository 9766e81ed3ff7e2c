"""dashkit/static.py: WhiteNoise serving, hashed URLs, cache headers, compressed variants."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import brotli
import pytest
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from dashkit import App, Blueprint, Request, render
from dashkit.resources import shipped_path

FOREVER = re.compile(r"max-age=\d{8,}, public, immutable")
CSS = "dashkit/css/dashkit.css"


@pytest.fixture
def static_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "static"
    (folder / "img").mkdir(parents=True)
    (folder / "app.css").write_text("main { margin: 0; }")
    (folder / "img" / "logo.svg").write_text("<svg></svg>")
    (folder / "LICENSE").write_text("MIT")
    return folder


@pytest.fixture
def app(static_folder: Path) -> App:
    return App("tests", {"SECRET_KEY": "s"}, static_folder=str(static_folder))


def test_dashkit_assets_are_served_under_static_dashkit(client):
    response = client.get("/static/dashkit/css/dashkit.css")
    assert response.status_code == 200
    assert response.content_type.startswith("text/css")
    assert response.data == (shipped_path("static") / "css" / "dashkit.css").read_bytes()
    assert response.headers["Cache-Control"] == "max-age=3600, public"


def test_hashed_url_is_cached_forever(app: App, client):
    client.get("/")  # the first request registers the files
    url = app.static_files.url(CSS)
    assert re.fullmatch(r"/static/dashkit/css/dashkit\.[0-9a-f]{12}\.css", url)
    response = client.get(url)
    assert response.status_code == 200
    assert FOREVER.fullmatch(response.headers["Cache-Control"])
    assert response.data == (shipped_path("static") / CSS.removeprefix("dashkit/")).read_bytes()


def test_hash_changes_with_the_content(static_folder: Path):
    first = App("tests", {"SECRET_KEY": "s"}, static_folder=str(static_folder))
    first.test_client().get("/")
    (static_folder / "app.css").write_text("main { margin: 1px; }")
    second = App("tests", {"SECRET_KEY": "s"}, static_folder=str(static_folder))
    second.test_client().get("/")
    assert first.static_files.url("app.css") != second.static_files.url("app.css")


def test_vendored_file_with_a_version_in_its_name_is_cached_forever(client):
    response = client.get("/static/dashkit/vendor/htmx-2.0.11.min.js")
    assert response.status_code == 200
    assert FOREVER.fullmatch(response.headers["Cache-Control"])


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
        ("gzip, br", "br", brotli.decompress),
    ],
)
def test_compressed_variant_for_clients_that_accept_it(app: App, client, accept, encoding, decode):
    client.get("/")
    url = app.static_files.url("dashkit/vendor/htmx-2.0.11.min.js")
    response = client.get(url, headers={"Accept-Encoding": accept})
    original = (shipped_path("static") / "vendor" / "htmx-2.0.11.min.js").read_bytes()
    assert response.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert len(response.data) < len(original)
    assert decode(response.data) == original


def test_identity_without_accept_encoding(client):
    response = client.get("/static/dashkit/js/dashkit.js")
    assert "Content-Encoding" not in response.headers
    assert response.data == (shipped_path("static") / "js" / "dashkit.js").read_bytes()


def test_app_static_folder_is_served_at_static(app: App, client):
    assert client.get("/static/app.css").text == "main { margin: 0; }"
    assert client.get("/static/img/logo.svg").content_type.startswith("image/svg+xml")
    hashed = app.static_files.url("img/logo.svg")
    assert re.fullmatch(r"/static/img/logo\.[0-9a-f]{12}\.svg", hashed)
    assert FOREVER.fullmatch(client.get(hashed).headers["Cache-Control"])


def test_hashed_name_of_a_file_without_suffix_is_cached_forever(app: App, client):
    client.get("/")
    hashed = app.static_files.url("LICENSE")
    assert re.fullmatch(r"/static/LICENSE\.[0-9a-f]{12}", hashed)
    response = client.get(hashed)
    assert response.text == "MIT"
    assert FOREVER.fullmatch(response.headers["Cache-Control"])


def test_blueprint_static_folder_is_served_under_its_name(app: App, client, tmp_path: Path):
    folder = tmp_path / "reports_static"
    folder.mkdir()
    (folder / "chart.js").write_text("// chart")
    app.register_blueprint(Blueprint("reports", __name__, static_folder=str(folder)))
    assert client.get("/static/reports/chart.js").text == "// chart"
    assert app.static_files.url("reports/chart.js").startswith("/static/reports/chart.")


def test_blueprint_registered_after_the_first_request_serves_its_static_files(
    app: App, client, tmp_path: Path
):
    assert client.get("/static/late/x.js").status_code == 404
    folder = tmp_path / "late_static"
    folder.mkdir()
    (folder / "x.js").write_text("// late")
    app.register_blueprint(Blueprint("late", __name__, static_folder=str(folder)))
    assert client.get("/static/late/x.js").text == "// late"


def test_static_files_never_reach_views(app: App, client):
    @app.route("/static/<path:name>")
    def shadow(request: Request, name: str):
        return "view"

    assert client.get("/static/app.css").text == "main { margin: 0; }"
    assert client.get("/static/unknown.css").text == "view"


def test_app_without_static_folder_still_serves_dashkit():
    client = App("tests", {"SECRET_KEY": "s"}, static_folder=None).test_client()
    assert client.get("/static/dashkit/css/dashkit.css").status_code == 200
    assert client.get("/static/app.css").status_code == 404


def test_unknown_static_name_is_an_error(app: App, client):
    client.get("/")
    with pytest.raises(FileNotFoundError, match="no static file 'css/dashkit.css'"):
        app.static_files.url("css/dashkit.css")


def committed_variants() -> list[Path]:
    return sorted(p for p in shipped_path("static").rglob("*") if p.suffix in (".gz", ".br"))


def test_there_are_committed_compressed_variants():
    names = {p.name for p in committed_variants()}
    assert {"dashkit.css.gz", "dashkit.css.br", "htmx-2.0.11.min.js.br"} <= names


@pytest.mark.parametrize("variant", committed_variants(), ids=lambda p: p.name)
def test_committed_compressed_variant_matches_its_file(variant: Path):
    source = variant.with_suffix("")
    hint = f"{variant.name} is stale or orphaned: run `.venv/bin/python -m whitenoise.compress static` and commit"
    assert source.is_file(), hint
    decode = gzip.decompress if variant.suffix == ".gz" else brotli.decompress
    assert decode(variant.read_bytes()) == source.read_bytes(), hint


def test_a_mounted_app_links_and_serves_static_files_under_its_mount_point(app: App):
    """A page of an app mounted at /tools links /tools/static/... and its start page as
    /tools/, whatever page was rendered first, and the files are served there."""
    app.add_url_rule("/", "index", lambda request: render(request, "dashkit/base.html"))
    server = DispatcherMiddleware(NotFound(), {"/tools": app})
    client = Client(server)
    unmounted = app.test_client().get("/").text
    page = client.get("/tools/").text
    links = re.findall(r'(?:href|src)="([^"]*static[^"]*)"', page)
    assert len(links) == 4 and all(link.startswith("/tools/static/dashkit/") for link in links)
    assert '<a class="brand" href="/tools/">' in page
    assert [client.get(link).status_code for link in links] == [200] * 4
    assert client.get(links[0].removeprefix("/tools")).status_code == 404  # outside the mount
    assert '<a class="brand" href="/">' in unmounted
    assert f'href="{links[1].removeprefix("/tools")}"' in unmounted
    missing = client.get("/tools/nowhere").text
    assert '<a href="/tools/">Back to the start page</a>' in missing
    assert f'href="{links[1]}"' in missing
