"""Login, logout, the account page and `next` handling, through the test client."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashkit.auth.sessions import hash_session_id
from dashkit.state import User, UserSession

from .conftest import PASSWORDS, add_users, csrf_from, log_in, make_auth_app, session_cookie


def test_login_and_logout(auth_client):
    page = auth_client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.get_data(as_text=True)
    response = log_in(auth_client, "ada")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    account = auth_client.get("/account")
    assert account.status_code == 200
    html = account.get_data(as_text=True)
    assert "ada" in html and "Sign out" in html
    logout = auth_client.post("/logout", data={"csrf_token": csrf_from(html)})
    assert logout.status_code == 303 and logout.headers["Location"] == "/login"
    assert "You have been signed out." in auth_client.get("/login").get_data(as_text=True)
    assert auth_client.get("/account").status_code == 303


def test_session_id_changes_at_login_and_old_id_is_worthless(auth_app, auth_client):
    log_in(auth_client, "vera")
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    auth_client.post("/logout", data={"csrf_token": token})  # an anonymous row keeps the flash
    before = session_cookie(auth_client)
    assert before
    log_in(auth_client, "ada")
    after = session_cookie(auth_client)
    assert after and after != before
    with auth_app.state_session() as db:
        assert db.get(UserSession, hash_session_id(before)) is None
        assert db.get(UserSession, hash_session_id(after)).user_id is not None
    attacker = auth_app.test_client()
    attacker.set_cookie("dashkit_session", before)
    assert attacker.get("/account").status_code == 303


def test_wrong_password_and_unknown_user_look_the_same(auth_client):
    wrong = log_in(auth_client, "ada", "not the password")
    unknown = log_in(auth_client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    strip = lambda r: r.get_data(as_text=True).replace('value="ada"', 'value="nobody"')
    assert "Wrong username or password." in strip(wrong)
    assert _without_tokens(strip(wrong)) == _without_tokens(unknown.get_data(as_text=True))


def _without_tokens(html: str) -> str:
    import re

    return re.sub(r"[0-9a-f]{64}", "TOKEN", html)


def test_disabled_user_cannot_sign_in(auth_app, auth_client):
    with auth_app.state_session() as db:
        db.scalar(sa.select(User).where(User.username == "vera")).is_active = False
    response = log_in(auth_client, "vera")
    assert "Wrong username or password." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "https:%2F%2Fevil.example",
        "%252F%252Fevil.example",
        "/\t/evil.example",
    ],
)
def test_open_redirects_land_on_the_index(auth_client, next_url):
    response = log_in(auth_client, "ada", next_url=next_url)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_local_next_is_followed(auth_client):
    response = log_in(auth_client, "ada", next_url="/orders/view?page=2")
    assert response.headers["Location"] == "/orders/view?page=2"


def test_anonymous_browser_is_sent_to_login_with_next(auth_client):
    response = auth_client.get("/orders/view?page=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=%2Forders%2Fview%3Fpage%3D2"
    page = auth_client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/orders/view?page=2"' in page


def test_anonymous_api_and_htmx_callers_get_401_json(auth_client):
    api = auth_client.get("/orders/view", headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.json["detail"] == "Sign in first."
    htmx = auth_client.get(
        "/orders/view",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/orders/view?x=1"},
    )
    assert htmx.status_code == 401
    assert htmx.headers["HX-Redirect"] == "/login?next=%2Forders%2Fview%3Fx%3D1"


def test_password_change_signs_out_other_sessions(auth_app):
    laptop, phone = auth_app.test_client(), auth_app.test_client()
    log_in(laptop, "eddie")
    log_in(phone, "eddie")
    old_cookie = session_cookie(laptop)
    page = laptop.get("/account").get_data(as_text=True)
    new_password = "a brand new passphrase"
    response = laptop.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(page),
            "current_password": PASSWORDS["eddie"],
            "new_password": new_password,
            "confirm_password": new_password,
        },
    )
    assert response.status_code == 303
    assert session_cookie(laptop) != old_cookie
    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 303
    assert "Wrong username" in log_in(auth_app.test_client(), "eddie").get_data(as_text=True)
    assert log_in(auth_app.test_client(), "eddie", new_password).status_code == 303


def test_password_change_policy_messages(auth_client):
    log_in(auth_client, "eddie")
    page = auth_client.get("/account").get_data(as_text=True)
    response = auth_client.post(
        "/account/password",
        data={
            "csrf_token": csrf_from(page),
            "current_password": PASSWORDS["eddie"],
            "new_password": "short",
            "confirm_password": "short",
        },
    )
    assert response.status_code == 400
    assert "at least 10 characters" in response.get_data(as_text=True)


def test_log_out_other_sessions(auth_app):
    mine, other = auth_app.test_client(), auth_app.test_client()
    log_in(mine, "vera")
    log_in(other, "vera")
    page = mine.get("/account").get_data(as_text=True)
    response = mine.post("/account/sessions", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert "Signed out 1 other session." in mine.get("/account").get_data(as_text=True)
    assert other.get("/account").status_code == 303


def test_rehash_at_login_when_parameters_change(state_url):
    from .conftest import add_users, make_auth_app

    old_app = make_auth_app(state_url)
    add_users(old_app)
    new_app = make_auth_app(state_url, PASSWORD_SCRYPT_N=2**11)
    assert log_in(new_app.test_client(), "vera").status_code == 303
    with new_app.state_session() as db:
        stored = db.scalar(sa.select(User.password_hash).where(User.username == "vera"))
    assert stored.startswith("scrypt$n=2048,")
    assert log_in(new_app.test_client(), "vera").status_code == 303


def test_no_password_session_id_or_token_in_logs(auth_app, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # log every SQL statement
    try:
        client = auth_app.test_client()
        log_in(client, "ada", "a wrong password")
        log_in(client, "ada")
        cookie = session_cookie(client)
        token = csrf_from(client.get("/account").get_data(as_text=True))
        client.post("/account/sessions", data={"csrf_token": token})
        client.post(
            "/users/new",
            data={"csrf_token": token, "username": "zed", "password": "zed's long secret"},
        )
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    logged = caplog.text
    assert "SELECT" in logged  # the SQL log was on
    for secret in (PASSWORDS["ada"], "a wrong password", "zed's long secret", cookie, token):
        assert secret not in logged


def test_unknown_user_costs_one_hash_check_too(auth_app, monkeypatch):
    from dashkit.auth.passwords import PasswordHasher

    checked: list[str | None] = []
    original = PasswordHasher.verify

    def counting(self, password, encoded):
        checked.append(encoded)
        return original(self, password, encoded)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    log_in(auth_app.test_client(), "ada", "a wrong password")
    log_in(auth_app.test_client(), "nobody", "a wrong password")
    assert len(checked) == 2
    assert all(encoded.startswith("scrypt$n=1024,r=8,p=1$") for encoded in checked)


def test_base_template_renders_without_auth(app, client):
    from dashkit.templating import render

    @app.route("/plain")
    def plain(request):
        return render(request, "dashkit/base.html")

    html = client.get("/plain").get_data(as_text=True)
    assert 'class="skip-link"' in html and "Sign out" not in html and "hx-headers" not in html
    assert 'id="messages" class="messages" aria-live="polite"></div>' in html


@pytest.mark.parametrize("first_username", ["ada", "nobody"])
def test_the_first_failed_sign_in_costs_the_same_known_or_not(
    state_url, monkeypatch, first_username
):
    from dashkit.auth import passwords

    app = make_auth_app(state_url)
    add_users(app)
    computed: list[int] = []
    original = passwords._scrypt

    def counting(*args):
        computed.append(1)
        return original(*args)

    monkeypatch.setattr(passwords, "_scrypt", counting)
    log_in(app.test_client(), first_username, "a wrong password")
    # a fresh process makes its dummy hash at the first attempt, whoever it names
    assert len(computed) == 2


def test_the_login_form_refuses_a_large_body_unread(auth_client):
    page = auth_client.get("/login").get_data(as_text=True)
    form = {"username": "ada", "password": "x" * 20_000, "csrf_token": csrf_from(page)}
    response = auth_client.post("/login", data=form)
    assert response.status_code == 413
    assert "16 KB" in response.get_data(as_text=True)
    assert "Content-Security-Policy" in response.headers  # still a page of ours
