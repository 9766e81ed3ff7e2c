"""The admin's user-management screens."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashkit.auth import flash, role_views, user_views
from dashkit.state import Role, User

from .conftest import PASSWORDS, csrf_from, log_in


def _admin(app):
    client = app.test_client()
    log_in(client, "ada")
    return client, csrf_from(client.get("/account").get_data(as_text=True))


def _user(app, username):
    with app.state_session() as db:
        return db.scalar(sa.select(User).where(User.username == username))


def test_list_shows_every_user(auth_app):
    client, _ = _admin(auth_app)
    html = client.get("/users/").get_data(as_text=True)
    for name in PASSWORDS:
        assert f">{name}</a>" in html


def test_create_user_and_sign_in(auth_app):
    client, token = _admin(auth_app)
    response = client.post(
        "/users/new",
        data={
            "csrf_token": token,
            "username": " Nora ",
            "display_name": "Nora N.",
            "email": "nora@example.com",
            "roles": ["editor", "no-such-role"],
            "password": "nora's long secret",
        },
    )
    assert response.status_code == 303
    assert "User nora created." in client.get("/users/").get_data(as_text=True)
    nora = _user(auth_app, "nora")
    assert nora.roles == ["editor"] and nora.email == "nora@example.com"
    assert "nora's" not in (nora.password_hash or "")
    assert log_in(auth_app.test_client(), "NORA", "nora's long secret").status_code == 303


def test_create_user_errors_keep_the_input(auth_app):
    client, token = _admin(auth_app)
    taken = client.post(
        "/users/new",
        data={
            "csrf_token": token,
            "username": "vera",
            "password": "x" * 12,
            "display_name": "Second Vera",
        },
    )
    assert taken.status_code == 400
    html = taken.get_data(as_text=True)
    assert "already exists" in html and 'value="Second Vera"' in html
    same = client.post(
        "/users/new", data={"csrf_token": token, "username": "samesame12", "password": "samesame12"}
    )
    assert same.status_code == 400 and "must not be the username" in same.get_data(as_text=True)


def test_assign_roles_and_reset_password(auth_app):
    client, token = _admin(auth_app)
    victim = auth_app.test_client()
    log_in(victim, "vera")
    client.post(
        "/users/3",
        data={"csrf_token": token, "display_name": "Vera", "roles": ["editor"], "is_active": "on"},
    )
    assert _user(auth_app, "vera").roles == ["editor"]
    response = client.post(
        "/users/3/password", data={"csrf_token": token, "password": "vera's new secret"}
    )
    assert response.status_code == 303
    assert victim.get("/account").status_code == 303
    assert log_in(auth_app.test_client(), "vera", "vera's new secret").status_code == 303


def test_admin_cannot_lock_themselves_out(auth_app):
    client, token = _admin(auth_app)
    response = client.post(
        "/users/1", data={"csrf_token": token, "display_name": "Ada", "roles": ["admin"]}
    )
    assert response.status_code == 400 and "cannot disable yourself" in response.get_data(
        as_text=True
    )
    assert _user(auth_app, "ada").is_active


def test_a_user_manager_cannot_grant_more_than_they_hold(manager):
    app, client, token = manager
    mona = _user(app, "mona")
    raised = client.post(
        f"/users/{mona.id}",
        data={
            "csrf_token": token,
            "display_name": "Mona",
            "roles": ["usermanager", "admin"],
            "is_active": "on",
        },
    )
    assert raised.status_code == 400 and "permissions you have yourself" in raised.get_data(
        as_text=True
    )
    created = client.post(
        "/users/new",
        data={
            "csrf_token": token,
            "username": "mallory",
            "password": "mallory's long secret",
            "roles": ["editor"],
        },
    )
    assert created.status_code == 400
    promoted = client.post(
        "/users/3",
        data={"csrf_token": token, "display_name": "Vera", "roles": ["editor"], "is_active": "on"},
    )
    assert promoted.status_code == 400
    assert _user(app, "mona").roles == ["usermanager"] and _user(app, "vera").roles == ["viewer"]
    assert _user(app, "mallory") is None
    role = client.post(
        "/users/roles/new", data={"csrf_token": token, "name": "everything", "permissions": "*"}
    )
    assert role.status_code == 400


def test_a_user_manager_cannot_take_over_a_stronger_account(manager):
    app, client, token = manager
    reset = client.post(
        "/users/1/password", data={"csrf_token": token, "password": "mona owns ada now"}
    )
    assert reset.status_code == 403
    assert log_in(app.test_client(), "ada").status_code == 303
    disabled = client.post(
        "/users/1", data={"csrf_token": token, "display_name": "Ada", "roles": ["admin"]}
    )
    assert disabled.status_code == 403 and _user(app, "ada").is_active
    helped = client.post(
        "/users/3",
        data={
            "csrf_token": token,
            "display_name": "Vera V",
            "roles": ["viewer"],
            "is_active": "on",
        },
    )
    assert helped.status_code == 303 and _user(app, "vera").display_name == "Vera V"


def test_flash_is_a_toast_event_for_htmx(auth_app):
    @auth_app.route("/ping", methods=("POST",))
    def ping(request):
        flash(request, "Saved <b>", "success")
        return "<p>row</p>"

    client, token = _admin(auth_app)
    response = client.post("/ping", headers={"HX-Request": "true", "X-CSRF-Token": token})
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == (
        '{"dashkit:flash": {"messages": [{"category": "success", "message": "Saved <b>"}]}}'
    )
    assert "HX-Request" in response.headers["Vary"]
    assert "Saved" not in client.get("/account").get_data(as_text=True)  # shown once, as the toast


def test_flash_on_a_page_is_escaped_and_shown_once(auth_app):
    @auth_app.route("/note", methods=("POST",))
    def note(request):
        flash(request, "<script>x</script>", "warning")
        return "ok"

    client, token = _admin(auth_app)
    client.post("/note", data={"csrf_token": token})
    html = client.get("/account").get_data(as_text=True)
    assert '<p class="message warning" role="status">&lt;script&gt;x&lt;/script&gt;</p>' in html
    assert "&lt;script&gt;" not in client.get("/account").get_data(as_text=True)


def test_sign_ins_and_user_changes_are_audited(auth_app):
    from dashkit.state import AuditEvent

    client, token = _admin(auth_app)
    client.post(
        "/users/new",
        data={
            "csrf_token": token,
            "username": "otto",
            "roles": "viewer",
            "password": "otto's long secret",
        },
    )
    otto = _user(auth_app, "otto")
    client.post(
        f"/users/{otto.id}",
        data={"csrf_token": token, "display_name": "Otto", "roles": "editor", "is_active": "on"},
    )
    client.post(
        f"/users/{otto.id}/password", data={"csrf_token": token, "password": "otto's new secret"}
    )
    client.post("/logout", data={"csrf_token": token})
    with auth_app.state_session() as db:
        events = db.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        trail = [(e.username, e.action, e.object_pk, e.changes) for e in events]
    assert [(name, action) for name, action, _, _ in trail] == [
        ("ada", "sign_in"),
        ("ada", "create"),
        ("ada", "update"),
        ("ada", "password_reset"),
        ("ada", "sign_out"),
    ]
    assert trail[1][3]["roles"] == {"before": None, "after": ["viewer"]}
    assert trail[2][3] == {
        "display_name": {"before": "otto", "after": "Otto"},
        "roles": {"before": ["viewer"], "after": ["editor"]},
    }
    assert "scrypt" not in repr(trail) and "secret" not in repr(trail)


def test_users_link_only_for_admins(auth_app):
    admin, _ = _admin(auth_app)
    assert 'href="/users/">Users</a>' in admin.get("/account").get_data(as_text=True)
    viewer = auth_app.test_client()
    log_in(viewer, "vera")
    assert 'href="/users/"' not in viewer.get("/account").get_data(as_text=True)


def test_the_user_menu_links_within_the_mount_point(auth_app):
    admin, _ = _admin(auth_app)
    mounted = admin.get("/account", base_url="http://localhost/tools").get_data(as_text=True)
    plain = admin.get("/account").get_data(as_text=True)
    menu = '<a href="{0}/users/">Users</a>      <a href="{0}/account">ada</a>'
    assert menu.format("/tools") in mounted and menu.format("") in plain
    assert '<form method="post" action="/tools/logout">' in mounted
    assert '<form method="post" action="/logout">' in plain


def _management_urls() -> list[tuple[str, str]]:
    """Every user- and role-management route with its methods, arguments filled in."""
    urls = []
    for rule, _view, methods in [*user_views.ROUTES, *role_views.ROUTES]:
        path = rule.replace("<int:user_id>", "3").replace("<name>", "auditor")
        urls += [(method, path) for method in methods]
    return urls


@pytest.mark.parametrize(("method", "path"), _management_urls())
def test_every_management_url_is_refused_without_the_permission(auth_app, method, path):
    with auth_app.state_session() as db:
        db.add(Role(name="auditor", permissions=["*.view"]))
    anonymous = auth_app.test_client()
    token = csrf_from(anonymous.get("/login").get_data(as_text=True))
    form = {"csrf_token": token, "roles": ["admin"], "password": "a long new secret", "delete": "1"}
    response = anonymous.open(path, method=method, data=form)
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    editor = auth_app.test_client()
    log_in(editor, "eddie")
    form["csrf_token"] = csrf_from(editor.get("/account").get_data(as_text=True))
    response = editor.open(path, method=method, data=form)
    assert response.status_code == 403 and "dashkit.manage_users" in response.get_data(as_text=True)
    assert _user(auth_app, "vera").roles == ["viewer"]
    with auth_app.state_session() as db:
        assert db.get(Role, "auditor") is not None
