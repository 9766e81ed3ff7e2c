"""Apps with sessions and users on a real, migrated state database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dashkit import App
from dashkit.auth import create_user, init_auth, permission_required
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.migrations import upgrade_state

FAST_N = 2**10
PASSWORDS = {
    "ada": "ada's long secret",
    "eddie": "eddie's long secret",
    "vera": "vera's long secret",
}
ROLES = {"ada": ["admin"], "eddie": ["editor"], "vera": ["viewer"]}
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def make_auth_app(state_url: str, **config) -> App:
    """An app with a few guarded views over `state_url`, which must be migrated."""
    app = App("tests", {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N, **config})
    init_db(app, state_url)
    init_auth(app)

    for verb in ("view", "add", "change", "delete", "export"):
        app.add_url_rule(
            f"/orders/{verb}",
            endpoint=f"order_{verb}",
            methods=("GET", "POST"),
            view=permission_required(f"order.{verb}")(lambda request, verb=verb: {"done": verb}),
        )
    return app


def add_users(app: App) -> None:
    hasher = PasswordHasher(n=FAST_N)
    with app.state_session() as session:
        for name, password in PASSWORDS.items():
            create_user(session, name, password, ROLES[name], hasher=hasher)


@pytest.fixture
def state_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'state.sqlite'}"
    upgrade_state(url)
    return url


@pytest.fixture
def auth_app(state_url: str) -> App:
    app = make_auth_app(state_url)
    add_users(app)
    return app


@pytest.fixture
def auth_client(auth_app: App):
    return auth_app.test_client()


def csrf_from(html: str) -> str:
    match = _CSRF_FIELD.search(html)
    assert match, "no csrf_token field in the page"
    return match.group(1)


def log_in(client, username: str, password: str | None = None, next_url: str | None = None):
    """Sign in through the login form, as a browser would; returns the POST response."""
    page = client.get("/login")
    form = {
        "username": username,
        "password": password or PASSWORDS[username],
        "csrf_token": csrf_from(page.get_data(as_text=True)),
    }
    if next_url is not None:
        form["next"] = next_url
    return client.post("/login", data=form)


def session_cookie(client, name: str = "dashkit_session") -> str | None:
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


@pytest.fixture
def manager(state_url):
    """An app where `mona` may manage users but holds no other permission but viewing."""
    app = make_auth_app(state_url, ROLES={"usermanager": ["dashkit.manage_users", "*.view"]})
    add_users(app)
    with app.state_session() as db:
        create_user(db, "mona", PASSWORDS["vera"], ["usermanager"], hasher=PasswordHasher(n=FAST_N))
    client = app.test_client()
    log_in(client, "mona", PASSWORDS["vera"])
    return app, client, csrf_from(client.get("/account").get_data(as_text=True))
