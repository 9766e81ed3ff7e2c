"""Login throttling, shared by every app instance on one state database."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from dashkit.auth import throttle as throttle_module
from dashkit.migrations import upgrade_state
from dashkit.state import AuditEvent, LoginAttempt, utcnow

from .conftest import PASSWORDS, add_users, csrf_from, log_in, make_auth_app

TOO_MANY = "Too many failed sign-in attempts. Try again in"


def test_throttle_holds_across_two_app_instances(database_url):
    upgrade_state(database_url)
    first = make_auth_app(database_url, LOGIN_MAX_FAILURES=3)
    second = make_auth_app(database_url, LOGIN_MAX_FAILURES=3)
    add_users(first)
    for app in (first, second, first):
        response = log_in(app.test_client(), "eddie", "a wrong password")
        assert "Wrong username or password." in response.get_data(as_text=True)
    blocked = log_in(second.test_client(), "eddie")  # the right password, but not even checked
    assert blocked.status_code == 429
    assert f"{TOO_MANY} 15 minutes." in blocked.get_data(as_text=True)
    assert log_in(first.test_client(), "vera").status_code == 303  # other accounts unaffected


def test_unknown_usernames_are_throttled_the_same(auth_app):
    for _ in range(5):
        log_in(auth_app.test_client(), "nobody", "a wrong password")
    assert log_in(auth_app.test_client(), "nobody", "a wrong password").status_code == 429


def test_throttle_lifts_after_the_window(auth_app, monkeypatch):
    for _ in range(5):
        log_in(auth_app.test_client(), "eddie", "a wrong password")
    assert log_in(auth_app.test_client(), "eddie").status_code == 429
    monkeypatch.setattr(throttle_module, "utcnow", lambda: utcnow() + timedelta(minutes=14))
    response = log_in(auth_app.test_client(), "eddie")
    assert response.status_code == 429 and f"{TOO_MANY} 1 minute." in response.get_data(
        as_text=True
    )
    monkeypatch.setattr(throttle_module, "utcnow", lambda: utcnow() + timedelta(minutes=16))
    assert log_in(auth_app.test_client(), "eddie").status_code == 303


def test_per_address_limit_covers_many_accounts(state_url):
    app = make_auth_app(state_url, LOGIN_MAX_FAILURES_PER_ADDRESS=4)
    add_users(app)
    for name in ("a1", "a2", "a3", "a4"):
        log_in(app.test_client(), name, "a wrong password")
    assert log_in(app.test_client(), "ada").status_code == 429
    other_address = app.test_client()
    page = other_address.get("/login", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    response = other_address.post(
        "/login",
        data={
            "username": "ada",
            "password": PASSWORDS["ada"],
            "csrf_token": csrf_from(page.get_data(as_text=True)),
        },
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 303


def test_success_forgets_earlier_failures(auth_app):
    for _ in range(4):
        log_in(auth_app.test_client(), "eddie", "a wrong password")
    assert log_in(auth_app.test_client(), "eddie").status_code == 303
    for _ in range(4):
        log_in(auth_app.test_client(), "eddie", "a wrong password")
    assert log_in(auth_app.test_client(), "eddie").status_code == 303


@pytest.mark.parametrize(("username", "password"), [(" ", "something"), ("ada", "")])
def test_empty_fields_get_a_clear_message(auth_client, username, password):
    page = auth_client.get("/login").get_data(as_text=True)
    form = {"username": username, "password": password, "csrf_token": csrf_from(page)}
    response = auth_client.post("/login", data=form)
    assert response.status_code == 400
    assert "Enter your username and password." in response.get_data(as_text=True)


def test_old_attempts_are_purged_at_login(auth_app, monkeypatch):
    log_in(auth_app.test_client(), "eddie", "a wrong password")
    monkeypatch.setattr(throttle_module, "utcnow", lambda: utcnow() + timedelta(minutes=61))
    log_in(auth_app.test_client(), "vera")
    with auth_app.state_session() as db:
        assert db.scalars(sa.select(LoginAttempt.username)).all() == ["vera"]


def test_case_and_space_variants_count_as_one_account(auth_app):
    for variant in ("Eddie", " eddie", "EDDIE ", "eDdIe", "\teddie"):
        log_in(auth_app.test_client(), variant, "a wrong password")
    assert log_in(auth_app.test_client(), "eddie").status_code == 429


def test_parallel_guesses_are_checked_no_more_than_the_limit(database_url):
    import threading

    upgrade_state(database_url)
    app = make_auth_app(database_url, LOGIN_MAX_FAILURES=3)
    add_users(app)
    clients = [app.test_client() for _ in range(12)]
    tokens = [csrf_from(client.get("/login").get_data(as_text=True)) for client in clients]
    start = threading.Barrier(len(clients))
    statuses: list[int] = []

    def guess(client, token) -> None:
        form = {"username": "eddie", "password": "a wrong password", "csrf_token": token}
        start.wait(timeout=10)
        statuses.append(client.post("/login", data=form).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(statuses) == len(clients)
    assert statuses.count(200) <= 3  # each 200 is a password actually checked
    assert log_in(app.test_client(), "eddie").status_code == 429


def _log_in_from(app, address: str, username: str, password: str | None = None):
    client = app.test_client()
    place = {"REMOTE_ADDR": address}
    page = client.get("/login", environ_base=place).get_data(as_text=True)
    form = {
        "username": username,
        "password": password or PASSWORDS.get(username, "?"),
        "csrf_token": csrf_from(page),
    }
    return client.post("/login", data=form, environ_base=place)


@pytest.fixture(params=["sqlite", "postgresql"])
def throttle_state_url(request, state_url):
    if request.param == "sqlite":
        return state_url
    url = request.getfixturevalue("postgres_url")
    upgrade_state(url)
    return url


def test_a_stranger_failing_on_purpose_does_not_lock_the_user_out(throttle_state_url):
    app = make_auth_app(throttle_state_url)
    add_users(app)
    for _ in range(8):
        _log_in_from(app, "198.51.100.66", "eddie", "a wrong password")
    blocked = _log_in_from(app, "198.51.100.66", "eddie")
    assert blocked.status_code == 429
    assert _log_in_from(app, "10.0.0.5", "eddie").status_code == 303  # the user, elsewhere


def test_guessing_one_account_from_many_addresses_hits_the_slower_account_limit(
    throttle_state_url,
):
    app = make_auth_app(throttle_state_url, LOGIN_MAX_FAILURES_PER_ACCOUNT=6)
    add_users(app)
    for place in range(3):
        for _ in range(2):
            _log_in_from(app, f"203.0.113.{place}", "eddie", "a wrong password")
    response = _log_in_from(app, "10.0.0.5", "eddie")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert _log_in_from(app, "10.0.0.5", "vera").status_code == 303


def test_every_429_says_when_to_retry(auth_app):
    for _ in range(5):
        log_in(auth_app.test_client(), "eddie", "a wrong password")
    response = log_in(auth_app.test_client(), "eddie")
    assert response.status_code == 429
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60


def test_admins_see_a_throttled_account_and_can_clear_it(auth_app):
    for _ in range(5):
        _log_in_from(auth_app, "198.51.100.66", "eddie", "a wrong password")
    admin = auth_app.test_client()
    log_in(admin, "ada")
    page = admin.get("/users/").get_data(as_text=True)
    assert "Too many failed sign-ins from 198.51.100.66" in page
    assert page.count("Too many failed sign-ins") == 1
    response = admin.post("/users/2/throttle", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert "Too many failed sign-ins" not in admin.get("/users/").get_data(as_text=True)
    assert _log_in_from(auth_app, "198.51.100.66", "eddie").status_code == 303
    with auth_app.state_session() as db:
        summary = db.scalar(
            sa.select(AuditEvent.summary).where(AuditEvent.action == "throttle_clear")
        )
    assert summary == "cleared the sign-in throttle of eddie (5 failed attempts)"


def test_a_viewer_cannot_clear_a_throttle(auth_app):
    for _ in range(5):
        log_in(auth_app.test_client(), "eddie", "a wrong password")
    viewer = auth_app.test_client()
    log_in(viewer, "vera")
    token = csrf_from(viewer.get("/account").get_data(as_text=True))
    assert viewer.post("/users/2/throttle", data={"csrf_token": token}).status_code == 403
    assert log_in(auth_app.test_client(), "eddie").status_code == 429
