"""A real sign-in in Chromium: login form, redirect to `next`, htmx POST with the CSRF header
from <body hx-headers>, the flash toast, sign-out, and no CSP violation on the way."""

from __future__ import annotations

import pytest

from dashkit import render
from dashkit.auth import flash, login_required

from .conftest import PASSWORDS

pytestmark = pytest.mark.browser

DASHBOARD = """{% extends "dashkit/base.html" %}
{% block content %}
<h1>Dashboard</h1>
<button type="button" id="ping" hx-post="/ping" hx-target="#result">Ping</button>
<div id="result"></div>
{% endblock %}
"""


def test_login_htmx_toast_and_logout_in_chromium(
    auth_app, tmp_path, live_server, browser, artifacts_dir
):
    (tmp_path / "dashboard.html").write_text(DASHBOARD)
    auth_app.templates.add_blueprint_folder(tmp_path)

    @auth_app.route("/dashboard")
    @login_required
    def dashboard(request):
        return render(request, "dashboard.html")

    @auth_app.route("/ping", methods=("POST",))
    @login_required
    def ping(request):
        flash(request, "Pinged the server.", "success")
        return "<p id='pong'>pong</p>"

    server = live_server(auth_app)
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []

    def on_console(message) -> None:
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    try:
        page.goto(f"{server.url}/dashboard")
        assert page.url == f"{server.url}/login?next=%2Fdashboard"
        page.fill("#username", "ada")
        page.fill("#password", "wrong password!")
        page.click("button[type=submit]")
        page.wait_for_selector("text=Wrong username or password.")
        page.fill("#password", PASSWORDS["ada"])
        page.screenshot(path=str(artifacts_dir / "auth-login.png"), full_page=True)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/dashboard")
        cookie = next(c for c in context.cookies() if c["name"] == "dashkit_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
        page.click("#ping")
        page.wait_for_selector("#pong")
        page.wait_for_selector("#messages .message.success:has-text('Pinged the server.')")
        page.screenshot(path=str(artifacts_dir / "auth-signed-in-toast.png"), full_page=True)
        page.click(".user-menu a:has-text('Users')")
        page.wait_for_selector("th[scope=row] a:has-text('vera')")
        page.screenshot(path=str(artifacts_dir / "auth-users.png"), full_page=True)
        page.goto(f"{server.url}/account")
        page.screenshot(path=str(artifacts_dir / "auth-account.png"), full_page=True)
        page.click(".user-menu button[type=submit]")
        page.wait_for_selector("text=You have been signed out.")
        assert page.url == f"{server.url}/login"
        page.goto(f"{server.url}/dashboard")
        assert "/login?next=" in page.url
    finally:
        context.close()
    assert not problems, problems
