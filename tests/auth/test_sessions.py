"""Server-side sessions: expiry, saving only changes, nothing secret stored in clear."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa

from dashkit.auth import find_user, get_auth, has_permission, set_roles
from dashkit.auth import sessions as sessions_module
from dashkit.auth.sessions import hash_session_id
from dashkit.state import UserSession, utcnow

from .conftest import csrf_from, log_in, session_cookie


class Clock:
    def __init__(self):
        self.offset = timedelta()

    def __call__(self):
        return utcnow() + self.offset


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(sessions_module, "utcnow", fake)
    return fake


def test_idle_timeout_ends_the_session(auth_client, clock):
    log_in(auth_client, "vera")
    clock.offset = timedelta(minutes=119)
    assert auth_client.get("/account").status_code == 200
    clock.offset += timedelta(minutes=119)
    assert auth_client.get("/account").status_code == 200  # each request extends it
    clock.offset += timedelta(minutes=121)
    assert auth_client.get("/account").status_code == 303


def test_absolute_lifetime_ends_even_an_active_session(auth_client, clock):
    log_in(auth_client, "vera")
    for _ in range(7):
        clock.offset += timedelta(minutes=100)
        assert auth_client.get("/account").status_code == 200
    clock.offset += timedelta(minutes=100)  # 13 h 20 min after login
    assert auth_client.get("/account").status_code == 303


def test_expired_rows_are_deleted(auth_app, auth_client, clock):
    log_in(auth_client, "vera")
    cookie = session_cookie(auth_client)
    clock.offset = timedelta(hours=3)
    auth_client.get("/login")
    with auth_app.state_session() as db:
        assert db.get(UserSession, hash_session_id(cookie)) is None


def test_session_data_round_trip_and_saved_only_when_changed(auth_app, auth_client):
    @auth_app.route("/cart", methods=("GET", "POST"))
    def cart(request):
        if request.method == "POST":
            request.session["cart"] = request.form.getlist("item")
        return {"cart": request.session.get("cart", [])}

    client = auth_app.test_client()
    log_in(client, "vera")
    token = csrf_from(client.get("/account").get_data(as_text=True))
    client.post("/cart", data={"item": ["tea", "jam"], "csrf_token": token})
    assert client.get("/cart").json == {"cart": ["tea", "jam"]}
    statements: list[str] = []
    engine = auth_app.extensions["db"].state_engine
    listener = lambda *args: statements.append(args[2])
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get("/cart")
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert not [
        s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))
    ]


def test_saving_a_session_rewrites_only_what_a_request_changes(auth_app, auth_client):
    """The row's key, CSRF secret, start and client stay as the row has them."""

    @auth_app.route("/note", methods=("POST",))
    def note(request):
        request.session["note"] = "hello"
        return "ok"

    log_in(auth_client, "vera")
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    statements: list[str] = []
    engine = auth_app.extensions["db"].state_engine
    listener = lambda *args: statements.append(args[2])
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        auth_client.post("/note", data={"csrf_token": token})
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    (update,) = [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assigned = update.partition(" SET ")[2].partition(" WHERE ")[0]
    names = {part.partition("=")[0].strip() for part in assigned.split(",")}
    assert names == {"user_id", "data", "last_seen_at", "expires_at"}


def test_cookie_id_is_long_random_and_stored_only_hashed(auth_app, auth_client):
    log_in(auth_client, "vera")
    cookie = session_cookie(auth_client)
    assert len(cookie) >= 32  # 256 random bits, URL-safe base64
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    with auth_app.state_session() as db:
        dump = " ".join(
            str(value) for row in db.execute(sa.select(UserSession)).all() for value in row
        )
        rows = db.execute(sa.text("SELECT * FROM dashkit_sessions")).all()
    text = repr(rows) + dump
    assert cookie not in text and token not in text
    assert hash_session_id(cookie) in text


def test_signing_out_deletes_the_row_and_the_cookie(auth_app, auth_client):
    log_in(auth_client, "vera")
    cookie = session_cookie(auth_client)
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    auth_client.post("/logout", data={"csrf_token": token})
    with auth_app.state_session() as db:
        assert db.get(UserSession, hash_session_id(cookie)) is None
    assert session_cookie(auth_client) != cookie


def test_disabling_a_user_ends_their_sessions(auth_app):
    admin, victim = auth_app.test_client(), auth_app.test_client()
    log_in(admin, "ada")
    log_in(victim, "eddie")
    assert victim.get("/account").status_code == 200
    token = csrf_from(admin.get("/users/2").get_data(as_text=True))
    response = admin.post(
        "/users/2", data={"csrf_token": token, "display_name": "Eddie", "roles": "editor"}
    )
    assert response.status_code == 303
    assert victim.get("/account").status_code == 303


def test_login_purges_expired_sessions(auth_app, clock):
    stale = auth_app.test_client()
    log_in(stale, "vera")
    clock.offset = timedelta(hours=13)
    log_in(auth_app.test_client(), "eddie")
    with auth_app.state_session() as db:
        owners = db.scalars(sa.select(UserSession.user_id)).all()
    assert owners == [2]


def test_error_responses_start_no_session(auth_app):
    from dashkit.templating import render

    @auth_app.route("/broken-form")
    def broken_form(request):
        return render(request, "auth/login.html", status=400, next=None, username="", error="Bad")

    client = auth_app.test_client()
    response = client.get("/broken-form")
    assert response.status_code == 400 and "Set-Cookie" not in response.headers
    with auth_app.state_session() as db:
        assert db.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0


def test_request_user_is_a_read_only_snapshot_read_with_the_session(auth_app):
    seen = {}

    @auth_app.route("/me")
    def me(request):
        seen["user"] = request.user
        return {"may_delete": has_permission(request, "order.delete")}

    client = auth_app.test_client()
    log_in(client, "vera")
    statements = []
    engine = auth_app.extensions["db"].state_engine
    listener = lambda *args: statements.append(args[2])
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get("/me").json == {"may_delete": False}
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    assert len(statements) == 1  # the session with its user, and nothing else
    user = seen["user"]
    assert (user.username, user.roles, user.is_active) == ("vera", ("viewer",), True)
    assert not hasattr(user, "password_hash")
    with pytest.raises(dataclasses.FrozenInstanceError):
        user.roles = ("admin",)


def test_a_role_change_counts_from_the_next_request(auth_app, auth_client):
    log_in(auth_client, "vera")
    assert auth_client.get("/orders/delete").status_code == 403
    with auth_app.state_session() as db:
        set_roles(db, find_user(db, "vera"), ["admin"])
    assert auth_client.get("/orders/delete").json == {"done": "delete"}


def test_signing_in_during_a_request_makes_that_user_the_requests_user(auth_app):
    @auth_app.route("/switch", methods=("POST",))
    def switch(request):
        ada = find_user(request.state_db, "ada")
        get_auth(request.app).sessions.login(request, ada.id)
        return {
            "user": request.user.username,
            "may_delete": has_permission(request, "order.delete"),
        }

    client = auth_app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    assert client.post("/switch", data={"csrf_token": token}).json == {
        "user": "ada",
        "may_delete": True,
    }
    assert client.get("/orders/delete").json == {"done": "delete"}


def test_a_signed_in_page_opens_no_state_session_for_its_lookup(auth_app):
    opened = []

    @auth_app.route("/lookup")
    def lookup(request):  # a built-in role's permissions need no state session either
        return f"{request.user.username} {has_permission(request, 'order.view')}"

    @auth_app.teardown_request
    def note(request, error):  # after the session was saved
        opened.append("state_db" in request.__dict__)

    client = auth_app.test_client()
    log_in(client, "vera")
    checkouts = []
    engine = auth_app.extensions["db"].state_engine
    listener = lambda *args: checkouts.append(1)
    sa.event.listen(engine, "checkout", listener)
    try:
        assert client.get("/lookup").get_data(as_text=True) == "vera True"
    finally:
        sa.event.remove(engine, "checkout", listener)
    assert opened[-1] is False  # saving the unchanged session opened no state session either
    assert len(checkouts) == 1


def test_the_session_lookup_runs_in_a_state_session_already_open(auth_app):
    checkouts = []
    engine = auth_app.extensions["db"].state_engine
    listener = lambda *args: checkouts.append(1)

    @auth_app.route("/lookup")
    def lookup(request):
        request.state_db.connection()
        checkouts.clear()
        return {"user": request.user.username, "checkouts": len(checkouts)}

    client = auth_app.test_client()
    log_in(client, "vera")
    sa.event.listen(engine, "checkout", listener)
    try:
        assert client.get("/lookup").json == {"user": "vera", "checkouts": 0}
    finally:
        sa.event.remove(engine, "checkout", listener)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_state_app(request, state_url):
    """An auth app whose state database is SQLite, then PostgreSQL."""
    from dashkit.migrations import upgrade_state

    from .conftest import add_users, make_auth_app

    url = state_url
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        upgrade_state(url)
    app = make_auth_app(url)
    add_users(app)
    return app


def _session_rows(app) -> int:
    with app.state_session() as db:
        return db.scalar(sa.select(sa.func.count()).select_from(UserSession))


def test_anonymous_visits_to_the_login_page_write_no_session(any_state_app):
    strangers = [any_state_app.test_client() for _ in range(5)]
    for client in strangers:
        assert client.get("/login").status_code == 200
        assert session_cookie(client) is None
    assert _session_rows(any_state_app) == 0
    log_in(strangers[0], "vera")  # the login form's token works without a session row
    assert strangers[0].get("/account").status_code == 200
    assert _session_rows(any_state_app) == 1


def test_the_anonymous_form_token_is_bound_to_its_signed_cookie(auth_client, auth_app):
    token = csrf_from(auth_client.get("/login").get_data(as_text=True))
    other = auth_app.test_client()
    other.get("/login")
    form = {"username": "vera", "password": "vera's long secret", "csrf_token": token}
    assert other.post("/login", data=form).status_code == 403  # another visitor's cookie
    auth_client.set_cookie("dashkit_session_csrf", "forged-value")
    assert auth_client.post("/login", data=form).status_code == 403
    assert _session_rows(auth_app) == 0


def test_a_flash_for_an_anonymous_visitor_lives_in_a_row_only_until_shown(auth_app, auth_client):
    log_in(auth_client, "vera")
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    auth_client.post("/logout", data={"csrf_token": token})
    assert _session_rows(auth_app) == 1  # "You have been signed out." waits in it
    page = auth_client.get("/login").get_data(as_text=True)
    assert "You have been signed out." in page
    assert _session_rows(auth_app) == 0 and session_cookie(auth_client) is None
    log_in(auth_client, "vera")
    assert auth_client.get("/account").status_code == 200
