"""The admin index of a served database asks the database nothing per table: it lists
every table at once, and each row count is a link (fetched after the page by htmx)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from crawl.serving import PASSWORD, csrf_of
from sqlalchemy.orm import Session

from dashkit.auth import create_user
from dashkit.db import make_engine
from dashkit.serve import ServeOptions, build_app

TABLES = [f"table_{number:02d}" for number in range(40)]


@pytest.fixture(autouse=True)
def dashkit_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHKIT_HOME", str(tmp_path / "home"))


@pytest.fixture
def served(tmp_path):
    data = tmp_path / "data.sqlite"
    with sqlite3.connect(data) as connection:
        for name in TABLES:
            connection.execute(f"CREATE TABLE {name} (id INTEGER PRIMARY KEY, note TEXT)")
            connection.execute(f"INSERT INTO {name} VALUES (1, 'a'), (2, 'b')")
    connection.close()
    served = build_app(ServeOptions(f"sqlite:///{data}"))
    engine = make_engine(served.state_url)
    with Session(engine) as session, session.begin():
        create_user(session, "admin", PASSWORD, roles=["admin"])
    engine.dispose()
    yield served
    served.app.extensions["db"].dispose()


def signed_in(served):
    client = served.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    return client


def slug_of(served, name: str) -> str:
    return served.app.extensions["admin"].for_model(served.database.table(name).model).slug


def test_the_index_lists_every_table_without_querying_any_of_them(served):
    client = signed_in(served)
    statements: list[str] = []

    def record(connection, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        response = client.get("/admin/")
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for name in TABLES:
        assert f'href="/admin/{slug_of(served, name)}/"' in page
    assert not [s for s in statements if any(name in s for name in TABLES)], statements
    assert not [s for s in statements if "count(" in s.lower()], statements


def test_each_count_on_the_index_is_a_link_that_works_without_javascript(served):
    client = signed_in(served)
    page = client.get("/admin/").get_data(as_text=True)
    count_url = f"/admin/{slug_of(served, 'table_07')}/count"
    assert f'href="{count_url}' in page
    response = client.get(count_url)
    assert response.status_code == 200
    assert "2 table07s" in response.get_data(as_text=True)
