"""dashkit/serve and dashkit/cli/serve.py: `dashkit serve URL` with no code and no default credentials."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest
import sqlalchemy as sa
from crawl.broken_schema import create_broken_schema
from crawl.serving import (
    create_first_admin,
    csrf_of,
    free_port,
    read_until,
    signed_in,
    start_dashkit,
    wait_for,
)
from crawl.tricky_schema import create_tricky_schema

from dashkit.db import make_engine
from dashkit.reflect import Selection
from dashkit.serve import ServeOptions, build_app, issue_first_admin_link
from dashkit.state import OneTimeToken, Setting


@pytest.fixture(autouse=True)
def dashkit_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("DASHKIT_HOME", str(home))
    return home


def _link(served) -> str:
    engine = make_engine(served.state_url)
    try:
        with sa.orm.Session(engine) as session:
            return issue_first_admin_link(session, "http://localhost")
    finally:
        engine.dispose()


def test_first_admin_link_works_once(chinook_path):
    served = build_app(ServeOptions(str(chinook_path)))
    link = _link(served)
    path = urllib.parse.urlsplit(link)
    token = urllib.parse.parse_qs(path.query)["token"][0]
    client = served.app.test_client()
    assert client.get("/admin/").status_code in (302, 303)
    page = client.get(f"/setup?token={token}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    form = {
        "token": token,
        "username": "root",
        "password": "a long enough passphrase",
        "csrf_token": csrf_of(html),
    }
    mismatch = client.post("/setup", data={**form, "password_again": "something else"})
    assert mismatch.status_code == 400 and "differ" in mismatch.get_data(as_text=True)
    created = client.post("/setup", data={**form, "password_again": form["password"]})
    assert created.status_code in (302, 303) and created.headers["Location"].endswith("/admin/")
    assert client.get("/admin/").status_code == 200  # signed in as the new admin
    again = served.app.test_client()
    assert again.get(f"/setup?token={token}").status_code == 410
    assert again.get("/setup?token=guessed").status_code == 410
    assert issue_first_admin_link(sa.orm.Session(make_engine(served.state_url)), "http://x") is None


def test_only_the_token_hash_is_stored_and_it_expires(chinook_path):
    served = build_app(ServeOptions(str(chinook_path)))
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(_link(served)).query)["token"][0]
    engine = make_engine(served.state_url)
    with sa.orm.Session(engine) as session:
        record = session.scalars(sa.select(OneTimeToken)).one()
        assert token not in record.token_hash
        record.expires_at = record.created_at  # in the past
        session.commit()
    engine.dispose()
    assert served.app.test_client().get(f"/setup?token={token}").status_code == 410


def test_secret_key_is_generated_once_and_sessions_survive_a_restart(chinook_path):
    first = build_app(ServeOptions(str(chinook_path)))
    client = signed_in(first)
    assert client.get("/admin/").status_code == 200
    second = build_app(ServeOptions(str(chinook_path)))
    assert second.app.config["SECRET_KEY"] == first.app.config["SECRET_KEY"]
    engine = make_engine(second.state_url)
    with sa.orm.Session(engine) as session:
        assert session.get(Setting, "secret_key").value == first.app.config["SECRET_KEY"]
    engine.dispose()
    restarted = second.app.test_client()
    for cookie in client._cookies.values():
        restarted.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert restarted.get("/admin/").status_code == 200


def test_state_lives_outside_the_served_database(chinook_path, dashkit_home):
    served = build_app(ServeOptions(str(chinook_path)))
    signed_in(served)
    assert served.state_url.startswith(f"sqlite:///{dashkit_home}")
    tables = sa.inspect(make_engine(str(chinook_path))).get_table_names()
    assert not [name for name in tables if name.startswith("dashkit") or name == "alembic_version"]


def test_urls_as_users_copy_them(postgres_url, dashkit_home):
    engine = make_engine(postgres_url)
    create_tricky_schema(engine)
    engine.dispose()
    copied = postgres_url.replace("postgresql+psycopg://", "postgres://")
    served = build_app(ServeOptions(copied, selection=Selection(schemas=("public", "sales"))))
    assert served.data_url.drivername == "postgresql+psycopg"
    client = signed_in(served)
    assert client.get("/admin/sales-region/").status_code == 200
    assert client.get("/admin/bucher-a74462/").status_code == 200  # a stable slug: name and hash


def test_read_only_refuses_every_write(database_url):
    engine = make_engine(database_url)
    create_tricky_schema(engine)
    engine.dispose()
    served = build_app(ServeOptions(database_url, read_only=True))
    assert served.read_only_enforced
    client = signed_in(served)
    listing = client.get("/admin/customers/").get_data(as_text=True)
    assert "/admin/customers/new" not in listing and "/edit" not in listing
    token = csrf_of(listing)
    for slug, pk, column in (
        ("customers", "1", "Full%20Name"),
        ("order-line-8dc327", "1,1", "quantity"),  # "order line": a readable part and a hash
        ("staff", "2", "name"),
    ):
        assert client.get(f"/admin/{slug}/{pk}/").status_code == 200
        writes = (
            f"/admin/{slug}/new",
            f"/admin/{slug}/{pk}/edit",
            f"/admin/{slug}/{pk}/delete",
            f"/admin/{slug}/{pk}/cell/{column}",
        )
        for path in writes:
            assert client.get(path).status_code == 404
            assert client.post(path, data={"csrf_token": token}).status_code == 404
        response = client.post(
            f"/admin/{slug}/actions",
            data={"action": "delete_selected", "pk": [pk], "confirm": "1", "csrf_token": token},
        )
        assert response.status_code >= 400
    with served.app.extensions["db"].session() as session, pytest.raises(sa.exc.DBAPIError):
        session.execute(
            sa.text('DELETE FROM "Staff"' if "mysql" not in database_url else "DELETE FROM `Staff`")
        )
    check = make_engine(database_url)
    with check.connect() as connection:
        assert (
            connection.execute(
                sa.text("SELECT COUNT(*) FROM " + check.dialect.identifier_preparer.quote("Staff"))
            ).scalar()
            == 2
        )
    check.dispose()


def test_read_only_needs_its_own_state_database(chinook_path):
    from dashkit.errors import ConfigError

    with pytest.raises(ConfigError, match="state database of its own"):
        build_app(
            ServeOptions(str(chinook_path), state_url=f"sqlite:///{chinook_path}", read_only=True)
        )


def test_command_prints_url_and_link_never_the_password(postgres_url, dashkit_home):
    engine = make_engine(postgres_url)
    create_tricky_schema(engine)
    engine.dispose()
    url = postgres_url.replace("postgres@", "postgres:hunter2-secret@")  # trust auth ignores it
    port = free_port()
    process = start_dashkit(["serve", url, "--port", str(port)], dashkit_home)
    try:
        output = read_until(process, "Ctrl+C")
        assert "hunter2-secret" not in output
        assert f"admin:  http://127.0.0.1:{port}/admin/" in output
        link = re.search(r"(http://\S+/setup\?token=\S+)", output).group(1)
        assert "dashkit users create NAME --role admin --state" in output
        wait_for(link)
        _, admin = create_first_admin(link, port)
        assert admin.url.endswith("/admin/") and "Customers" in admin.read().decode()
    finally:
        process.terminate()
        process.wait(timeout=20)
        remaining = process.stdout.read()
    assert "hunter2-secret" not in remaining


def test_workers_share_sessions_through_the_state_database(chinook_path, dashkit_home):
    port = free_port()
    process = start_dashkit(
        ["serve", str(chinook_path), "--port", str(port), "--workers", "2"], dashkit_home
    )
    try:
        output = read_until(process, "Ctrl+C")
        link = re.search(r"(http://\S+/setup\?token=\S+)", output).group(1)
        wait_for(f"http://127.0.0.1:{port}/login")
        browser, _ = create_first_admin(link, port)
        for _ in range(8):  # spread over both workers; every one knows the session
            response = browser.open(f"http://127.0.0.1:{port}/admin/track/")
            assert response.url.endswith("/admin/track/") and response.status == 200
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert process.stdout.read().count("Booting worker") == 2


@pytest.mark.browser
def test_first_admin_in_a_real_browser(tmp_path, live_server, browser, artifacts_dir):
    from dashkit.demo import build_demo_database

    served = build_app(ServeOptions(str(build_demo_database(tmp_path / "shop.sqlite"))))
    server = live_server(served.app)
    engine = make_engine(served.state_url)
    with sa.orm.Session(engine) as session:
        link = issue_first_admin_link(session, server.url)
    engine.dispose()
    page = browser.new_page()
    try:
        page.goto(link)
        page.get_by_label("Username").fill("owner")
        page.get_by_label("Password", exact=True).fill("a long enough passphrase")
        page.get_by_label("Password again").fill("a long enough passphrase")
        page.get_by_role("button", name="Create admin and sign in").click()
        page.wait_for_url(f"{server.url}/admin/")
        page.goto(f"{server.url}/admin/orders/?sort=-placed_at")
        assert page.locator("table tbody tr").count() > 10
        page.screenshot(path=str(artifacts_dir / "serve-demo-orders.png"), full_page=False)
        page.goto(link)  # the link is spent
        assert "expired or was already used" in page.content()
    finally:
        page.close()


def test_children_on_a_detail_page_are_headed_by_their_plural_label(chinook_path):
    client = signed_in(build_app(ServeOptions(str(chinook_path))))
    album = client.get("/admin/album/1/").get_data(as_text=True)
    assert ">Tracks</h2>" in album and "set</h2>" not in album
    employee = client.get("/admin/employee/2/").get_data(as_text=True)
    assert ">Employees</h2>" in employee and ">Customers</h2>" in employee


def test_serve_starts_beside_broken_views_and_names_them(tmp_path, dashkit_home):
    path = tmp_path / "mysql-export.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    broken = create_broken_schema(engine)
    engine.dispose()
    port = free_port()
    process = start_dashkit(["serve", str(path), "--port", str(port)], dashkit_home)
    try:
        output = read_until(process, "Ctrl+C")
        wait_for(f"http://127.0.0.1:{port}/login")
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert "(8 tables, 2 views)" in output
    for key, words in broken.items():
        assert f"  not served: {key}" in output and words in output
