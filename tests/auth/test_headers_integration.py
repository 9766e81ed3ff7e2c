"""Security headers on HTML, JSON, error and static responses; Host checks; cookie flags."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from dashkit.auth.headers import DEFAULT_CSP
from dashkit.http import Response
from dashkit.state import UserSession

from .conftest import PASSWORDS, csrf_from, log_in

EXPECTED = {
    "Content-Security-Policy": DEFAULT_CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _assert_security_headers(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, name
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert (
        "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    )


def test_headers_on_html_json_error_and_static(auth_app, auth_client):
    @auth_app.route("/api/ping")
    def ping(request):
        return {"pong": True}

    auth_client = auth_app.test_client()
    html = auth_client.get("/login")
    json_response = auth_client.get("/api/ping")
    missing = auth_client.get("/no/such/page")
    forbidden = auth_client.post("/logout")
    static_url = auth_app.static_files.url("dashkit/js/dashkit.js")
    static = auth_client.get(static_url)
    assert (html.status_code, json_response.status_code, missing.status_code) == (200, 200, 404)
    assert forbidden.status_code == 403 and static.status_code == 200
    for response in (html, json_response, missing, forbidden, static):
        _assert_security_headers(response)
    assert "Strict-Transport-Security" not in html.headers


def test_a_views_own_headers_are_kept_and_its_vary_extended(auth_app):
    @auth_app.route("/framed")
    def framed(request):
        response = Response("<p>framed</p>", mimetype="text/html")
        response.headers["x-frame-options"] = "SAMEORIGIN"
        response.headers["Vary"] = "Accept-Language"
        return response

    response = auth_app.test_client().get("/framed", base_url="https://localhost")
    assert response.headers.getlist("X-Frame-Options") == ["SAMEORIGIN"]
    assert response.headers.getlist("Content-Security-Policy") == [DEFAULT_CSP]
    assert response.headers.getlist("Strict-Transport-Security") != []
    assert [part.strip() for part in response.headers["Vary"].split(",")] == [
        "Accept-Language",
        "HX-Request",
    ]


def test_hsts_only_over_https(auth_client):
    response = auth_client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


@pytest.mark.parametrize("host", ["evil.example", "localhost.evil.example", "127.0.0.2"])
def test_untrusted_host_gets_400(auth_client, host):
    response = auth_client.get("/login", headers={"Host": host})
    assert response.status_code == 400
    assert "ALLOWED_HOSTS" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_configured_allowed_hosts(state_url):
    from .conftest import make_auth_app

    app = make_auth_app(state_url, ALLOWED_HOSTS="admin.example.com")
    client = app.test_client()
    assert client.get("/login", base_url="http://admin.example.com").status_code == 200
    assert client.get("/login", base_url="http://localhost").status_code == 400


def test_session_cookie_flags(auth_app):
    client = auth_app.test_client()
    anonymous = client.get("/login").headers["Set-Cookie"]
    assert anonymous.startswith("dashkit_session_csrf=")
    cookie = log_in(client, "vera").headers["Set-Cookie"]
    assert cookie.startswith("dashkit_session=")
    for each in (anonymous, cookie):
        assert "HttpOnly" in each and "SameSite=Lax" in each and "Path=/" in each
        assert "Secure" not in each
    secure = (
        auth_app.test_client().get("/login", base_url="https://localhost").headers["Set-Cookie"]
    )
    assert "Secure" in secure


def test_cookie_name_and_forced_secure_from_config(state_url):
    from .conftest import add_users, make_auth_app

    app = make_auth_app(state_url, SESSION_COOKIE_NAME="shop_admin", SESSION_COOKIE_SECURE="true")
    client = app.test_client()
    anonymous = client.get("/login").headers["Set-Cookie"]
    assert anonymous.startswith("shop_admin_csrf=") and "Secure" in anonymous
    add_users(app)
    cookie = log_in(client, "vera").headers["Set-Cookie"]
    assert cookie.startswith("shop_admin=") and "Secure" in cookie


def test_authenticated_pages_are_not_stored_and_vary_on_htmx(auth_client):
    log_in(auth_client, "ada")
    response = auth_client.get("/account")
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]
    assert 'hx-history="false"' in response.get_data(as_text=True)


def test_anonymous_pages_without_session_start_none(auth_client):
    response = auth_client.get("/no/such/page")
    assert "Set-Cookie" not in response.headers


def test_behind_a_proxy_fix_the_client_scheme_and_address_count(auth_app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    auth_app.wsgi_app = ProxyFix(auth_app.wsgi_app, x_for=1, x_proto=1)
    client = auth_app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    response = client.get("/login", headers=proxied)
    assert "Secure" in response.headers["Set-Cookie"]
    form = {"username": "vera", "password": PASSWORDS["vera"]}
    form["csrf_token"] = csrf_from(response.get_data(as_text=True))
    client.post("/login", data=form, headers=proxied)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    with auth_app.state_session() as db:
        assert db.scalars(sa.select(UserSession.client_address)).all() == ["203.0.113.7"]


def test_headers_on_errors_raised_outside_the_view(auth_app, auth_client, state_url):
    log_in(auth_client, "ada")
    token = csrf_from(auth_client.get("/account").get_data(as_text=True))
    engine = sa.create_engine(state_url)
    with engine.begin() as connection:
        connection.execute(sa.text("DROP TABLE dashkit_sessions"))
    engine.dispose()
    # the CSRF check loads the session, so the database error escapes the middleware
    response = auth_client.post("/logout", headers={"X-CSRF-Token": token})
    assert response.status_code >= 500
    _assert_security_headers(response)
