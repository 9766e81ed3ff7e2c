"""Out-of-range numbers and NUL bytes anywhere a URL or a form reaches the database: a 404
for a key, a notice for a filter, a search or a page cursor, a field error for a form, a
refusal before the first byte for an export; never a server error, on each dialect."""

from __future__ import annotations

import base64
import json
import re

import pytest
import sqlalchemy as sa
from crawl.serving import csrf_of, signed_in
from server_databases import fresh_database

from dashkit.db import make_engine
from dashkit.serve import ServeOptions, build_app

HUGE = "9" * 30
JUST_PAST_BIGINT = str(2**63)
HTMX = {"HX-Request": "true", "HX-Target": "results"}


@pytest.fixture(scope="module", params=["sqlite", "postgresql", "mariadb"])
def client(request, tmp_path_factory):
    """A signed-in client of a served database per dialect, its state database on the same
    dialect, shared by this module's tests (none of which changes a row)."""
    folder = tmp_path_factory.mktemp(request.param)
    databases = fresh_database(request.param, folder)
    url = next(databases)
    states = fresh_database(request.param, tmp_path_factory.mktemp(f"{request.param}-state"))
    state_url = next(states)
    engine = make_engine(url)
    metadata = sa.MetaData()
    sa.Table(
        "things",
        metadata,
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer),
    )
    sa.Table(
        "tags",
        metadata,
        sa.Column("code", sa.String(20), primary_key=True),
        sa.Column("thing_id", sa.ForeignKey("things.id")),
    )
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(metadata.tables["things"].insert(), [{"id": 1, "name": "one", "size": 3}])
        connection.execute(metadata.tables["tags"].insert(), [{"code": "red", "thing_id": 1}])
    engine.dispose()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DASHKIT_HOME", str(folder / "home"))
        yield signed_in(build_app(ServeOptions(url, state_url=state_url)))
    databases.close()
    states.close()


def cursor(*values) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


@pytest.mark.parametrize("key", [HUGE, JUST_PAST_BIGINT, f"-{JUST_PAST_BIGINT}0"])
@pytest.mark.parametrize("page", ["", "edit", "delete", "cell/name"])
def test_a_key_out_of_range_is_not_found(client, key, page):
    assert client.get(f"/admin/things/{key}/{page}").status_code == 404


@pytest.mark.parametrize("page", ["", "edit", "delete"])
def test_a_key_holding_a_nul_is_not_found(client, page):
    assert client.get(f"/admin/tags/re%00d/{page}").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        f"f.id={HUGE}",
        f"f.size={JUST_PAST_BIGINT}",
        f"f.id.min={HUGE}",
        "f.thing_id=%00",
        "q=%00",
        "q=a%00b",
        f"after={cursor(HUGE)}",
        f"before={cursor('%00')}",
        "sort=name&after=" + cursor("a\x00", 1),
    ],
)
def test_hostile_list_arguments_are_named_in_a_notice(client, query):
    for headers in ({}, HTMX):
        response = client.get(f"/admin/things/?{query}", headers=headers)
        assert response.status_code == 200, (query, headers, response.status_code)
        assert re.search("ignored|first page", response.get_data(as_text=True)), query
    assert client.get(f"/admin/things/count?{query}").status_code == 200


@pytest.mark.parametrize("query", [f"f.id={HUGE}", "q=%00", "f.name.null=2"])
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_export_refuses_hostile_arguments_before_sending_anything(client, query, fmt):
    response = client.get(f"/admin/things/export.{fmt}?{query}")
    assert response.status_code == 400
    assert "ignored" in response.get_data(as_text=True)


def test_the_autocomplete_of_a_foreign_key_filter_takes_a_nul(client):
    assert client.get("/admin/tags/autocomplete/thing_id?q=%00").status_code == 200


def test_a_nul_in_an_edit_is_a_field_error(client):
    form = client.get("/admin/things/1/edit").get_data(as_text=True)
    response = client.post(
        "/admin/things/1/edit",
        data={"csrf_token": csrf_of(form), "name": "o\x00ne", "size": "3", **originals(form)},
    )
    assert response.status_code == 422
    assert client.get("/admin/things/1/").get_data(as_text=True).count("o\x00ne") == 0


def test_a_nul_in_a_saved_views_name_is_refused_with_a_message(client):
    page = client.get("/admin/things/views").get_data(as_text=True)
    response = client.post(
        "/admin/things/views",
        data={"csrf_token": csrf_of(page), "name": "mine\x00", "query": ""},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "cannot hold control characters" in response.get_data(as_text=True)


def test_a_nul_in_a_username_is_a_failed_sign_in(client):
    stranger = client.application.test_client()
    page = stranger.get("/login").get_data(as_text=True)
    response = stranger.post(
        "/login", data={"csrf_token": csrf_of(page), "username": "ad\x00a", "password": "x"}
    )
    assert response.status_code == 200
    assert "Wrong username or password." in response.get_data(as_text=True)


def originals(form: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(_originals|_row)" value="([^"]*)"', form))
