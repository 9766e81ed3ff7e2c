"""Custom roles managed on screen: created, granted, changed, deleted, validated, audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashkit.state import AuditEvent, Role, User

from .conftest import csrf_from, log_in


@pytest.fixture
def admin(auth_app):
    client = auth_app.test_client()
    log_in(client, "ada")
    return client, csrf_from(client.get("/account").get_data(as_text=True))


def test_a_new_role_grants_its_patterns(auth_app, admin):
    client, token = admin
    response = client.post(
        "/users/roles/new",
        data={"csrf_token": token, "name": "deleter", "permissions": "order.delete\n\n*.view\n"},
    )
    assert response.status_code == 303
    listing = client.get("/users/roles/").get_data(as_text=True)
    assert "deleter" in listing and "order.delete, *.view" in listing
    with auth_app.state_session() as db:
        db.scalar(sa.select(User).where(User.username == "vera")).roles = ["deleter"]
    vera = auth_app.test_client()
    log_in(vera, "vera")
    assert vera.get("/orders/delete").status_code == 200
    assert vera.get("/orders/change").status_code == 403
    client.post("/users/roles/deleter", data={"csrf_token": token, "permissions": "*.view"})
    assert vera.get("/orders/delete").status_code == 403
    client.post("/users/roles/deleter", data={"csrf_token": token, "delete": "1"})
    assert vera.get("/orders/view").status_code == 403
    with auth_app.state_session() as db:
        assert db.get(Role, "deleter") is None
        actions = db.scalars(
            sa.select(AuditEvent.action).where(AuditEvent.model == "dashkit_roles")
        ).all()
    assert actions == ["create", "update", "delete"]


@pytest.mark.parametrize(
    ("name", "permissions", "message"),
    [
        ("admin", "*.view", "built-in or configured role"),
        ("Bad Name", "*.view", "starts with a letter"),
        ("auditor", "order", "Not a permission pattern: order"),
        ("auditor", "order.view; drop", "Not a permission pattern"),
    ],
)
def test_role_form_errors(admin, name, permissions, message):
    client, token = admin
    response = client.post(
        "/users/roles/new", data={"csrf_token": token, "name": name, "permissions": permissions}
    )
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_roles_screen_is_for_admins_only(auth_app):
    editor = auth_app.test_client()
    log_in(editor, "eddie")
    assert editor.get("/users/roles/").status_code == 403
    token = csrf_from(editor.get("/account").get_data(as_text=True))
    denied = editor.post(
        "/users/roles/new", data={"csrf_token": token, "name": "sneaky", "permissions": "*"}
    )
    assert denied.status_code == 403
    with auth_app.state_session() as db:
        assert db.get(Role, "sneaky") is None


def test_a_user_manager_cannot_widen_a_role_or_touch_a_stronger_one(manager):
    app, client, token = manager
    with app.state_session() as db:
        db.add(Role(name="helpers", permissions=["dashkit.manage_users", "*.view"]))
        db.add(Role(name="deleters", permissions=["*.delete"]))
        db.scalar(sa.select(User).where(User.username == "mona")).roles = ["helpers"]
    widened = client.post(
        "/users/roles/helpers", data={"csrf_token": token, "permissions": "dashkit.manage_users\n*"}
    )
    assert (
        widened.status_code == 400
        and "permissions you have yourself, not: *" in widened.get_data(as_text=True)
    )
    assert (
        client.post("/users/roles/deleters", data={"csrf_token": token, "delete": "1"}).status_code
        == 403
    )
    with app.state_session() as db:
        assert db.get(Role, "helpers").permissions == ["dashkit.manage_users", "*.view"]
        assert db.get(Role, "deleters") is not None
