"""dashkit/cli/serve.py `dashkit demo`: builds the shop, prints a one-time password, serves."""

from __future__ import annotations

import re
import urllib.parse

from crawl.serving import browser_session, csrf_of, free_port, read_until, start_dashkit, wait_for


def _sign_in(port: int, password: str):
    browser = browser_session()
    page = browser.open(f"http://127.0.0.1:{port}/login").read().decode()
    form = urllib.parse.urlencode(
        {"username": "demo", "password": password, "csrf_token": csrf_of(page)}
    )
    return browser, browser.open(f"http://127.0.0.1:{port}/login", data=form.encode())


def _run_demo(home, *extra: str) -> tuple[int, str, object]:
    port = free_port()
    process = start_dashkit(["demo", "--port", str(port), *extra], home)
    output = read_until(process, "Ctrl+C")
    wait_for(f"http://127.0.0.1:{port}/login")
    return port, output, process


def test_demo_serves_the_shop_with_a_fresh_password_each_start(tmp_path):
    home = tmp_path / "home"
    port, output, process = _run_demo(home)
    try:
        assert "built the demo shop database" in output
        password = re.search(r"one-time password (\S+)", output).group(1)
        assert "/setup?token=" not in output  # the demo has its admin already
        browser, response = _sign_in(port, password)
        assert response.url.endswith("/")
        orders = browser.open(f"http://127.0.0.1:{port}/admin/orders/").read().decode()
        assert "delivered" in orders
        assert browser.open(f"http://127.0.0.1:{port}/admin/sales_by_category/").status == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
    port, output, process = _run_demo(home)
    try:
        assert "built the demo shop database" not in output  # kept, with the user's changes
        new_password = re.search(r"one-time password (\S+)", output).group(1)
        assert new_password != password
        _, refused = _sign_in(port, password)
        assert refused.url.endswith("/login")
        _, accepted = _sign_in(port, new_password)
        assert not accepted.url.endswith("/login")
    finally:
        process.terminate()
        process.wait(timeout=20)
