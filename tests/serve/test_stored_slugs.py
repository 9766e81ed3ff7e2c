"""Table slugs are stable: other tables coming and going never move a table's URL, its
role grants or its saved views; slugs stored by earlier versions follow their tables."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from crawl.serving import PASSWORD, csrf_of
from sqlalchemy.orm import Session

from dashkit.auth import create_user
from dashkit.db import make_engine
from dashkit.migrations import upgrade_state
from dashkit.reflect.naming import numbered_url_slugs
from dashkit.serve import ServeOptions, build_app
from dashkit.state import AuditEvent, Role, SavedView

AWKWARD = ["a b", "a-b", "a.b", "表", "Ῥόδος", "Order Details", "plain"]


@pytest.fixture(autouse=True)
def dashkit_home(tmp_path, monkeypatch):
    monkeypatch.setenv("DASHKIT_HOME", str(tmp_path / "home"))


def create_tables(path, names):
    with sqlite3.connect(path) as connection:
        for name in names:
            quoted = name.replace('"', '""')
            connection.execute(f'CREATE TABLE "{quoted}" (id INTEGER PRIMARY KEY, note TEXT)')
            connection.execute(f'INSERT INTO "{quoted}" VALUES (1, ?)', (f"in {name}",))
    connection.close()


def drop_tables(path, names):
    with sqlite3.connect(path) as connection:
        for name in names:
            connection.execute(f'DROP TABLE "{name}"')
    connection.close()


def served_slugs(served) -> dict[str, str]:
    admin = served.app.extensions["admin"]
    return {table.table.key: admin.for_model(table.model).slug for table in served.database.tables}


def sign_in(served, username):
    client = served.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    return client


def test_other_tables_coming_and_going_move_no_slug_grant_or_saved_view(tmp_path):
    data = tmp_path / "data.sqlite"
    state_url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    create_tables(data, AWKWARD)
    first = build_app(ServeOptions(str(data), state_url=state_url))
    before = served_slugs(first)
    assert len(set(before.values())) == len(AWKWARD)
    kept = before["a b"]
    with Session(make_engine(state_url)) as session, session.begin():
        session.add(Role(name="reader", permissions=[f"{kept}.view"]))
        user = create_user(session, "rita", PASSWORD, roles=["reader"])
        session.flush()
        session.add(SavedView(user_id=user.id, model=kept, name="mine", query_string="q=in"))

    drop_tables(data, ["a-b", "表"])
    create_tables(data, ["a_b", "表 2", "a  b", "0"])
    second = build_app(ServeOptions(str(data), state_url=state_url))
    after = served_slugs(second)

    assert {key: after[key] for key in before if key in after} == {
        key: slug for key, slug in before.items() if key not in ("a-b", "表")
    }
    client = sign_in(second, "rita")
    assert "in a b" in client.get(f"/admin/{kept}/").get_data(as_text=True)
    assert "mine" in client.get(f"/admin/{kept}/views").get_data(as_text=True)
    assert client.get(f"/admin/{after['a  b']}/").status_code == 403


def test_slugs_stored_by_an_earlier_version_follow_their_tables(tmp_path):
    data = tmp_path / "data.sqlite"
    state_url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    create_tables(data, AWKWARD)
    upgrade_state(state_url)
    keys = [table.table.key for table in build_app(ServeOptions(str(data))).database.tables]
    numbered = numbered_url_slugs(keys)
    assert numbered["a-b"] != numbered["a b"]  # collisions were numbered
    engine = make_engine(state_url)
    with Session(engine) as session, session.begin():
        session.add(
            Role(name="clerk", permissions=[f"{numbered['a-b']}.view", f"{numbered['表']}.*"])
        )
        user = create_user(session, "carl", PASSWORD, roles=["clerk"])
        session.flush()
        session.add(SavedView(user_id=user.id, model=numbered["a-b"], name="old", query_string=""))
        session.add(AuditEvent(action="update", model=numbered["表"], object_pk="1"))
    engine.dispose()

    served = build_app(ServeOptions(str(data), state_url=state_url))
    slugs = served_slugs(served)
    with Session(make_engine(state_url)) as session:
        assert session.get(Role, "clerk").permissions == [f"{slugs['a-b']}.view", f"{slugs['表']}.*"]
        assert session.scalar(sa.select(SavedView.model)) == slugs["a-b"]
        assert session.scalar(sa.select(AuditEvent.model)) == slugs["表"]
    client = sign_in(served, "carl")
    assert client.get(f"/admin/{slugs['a-b']}/").status_code == 200
    assert client.get(f"/admin/{slugs['a b']}/").status_code == 403
