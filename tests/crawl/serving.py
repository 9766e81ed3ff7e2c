"""Helpers for tests of served apps: build one around a URL, sign in, read CSRF tokens."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session
from werkzeug.test import Client

from dashkit.auth import create_user
from dashkit.db import make_engine
from dashkit.serve import ServedApp

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def add_admin(served: ServedApp, username: str = "ada") -> None:
    engine = make_engine(served.state_url)
    try:
        with Session(engine) as session, session.begin():
            create_user(session, username, PASSWORD, roles=["admin"])
    finally:
        engine.dispose()


def signed_in(served: ServedApp, username: str = "ada") -> Client:
    """A test client signed in as a new admin user."""
    add_admin(served, username)
    client = served.app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_dashkit(arguments: list[str], home: Path) -> subprocess.Popen[str]:
    """Run `dashkit ARGUMENTS` in a child process with its own DASHKIT_HOME."""
    return subprocess.Popen(
        [sys.executable, "-c", "from dashkit.cli import main; main()", *arguments],
        env={**os.environ, "DASHKIT_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def read_until(process: subprocess.Popen[str], marker: str, limit: float = 60) -> str:
    """Lines printed until `marker` appears (bounded in time)."""
    deadline = time.monotonic() + limit
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if marker in line:
            return "".join(lines)
    process.kill()
    raise AssertionError("no " + marker + " in:\n" + "".join(lines))


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def browser_session() -> urllib.request.OpenerDirector:
    """An HTTP client that keeps cookies, like a browser tab."""
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def create_first_admin(link: str, port: int) -> tuple[urllib.request.OpenerDirector, Any]:
    """Follow a one-time setup link and create the admin "owner"; the signed-in opener
    and the page the form led to."""
    browser = browser_session()
    page = browser.open(link).read().decode()
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
    form = urllib.parse.urlencode(
        {
            "token": token,
            "username": "owner",
            "password": "a long enough passphrase",
            "password_again": "a long enough passphrase",
            "csrf_token": csrf_of(page),
        }
    ).encode()
    return browser, browser.open(f"http://127.0.0.1:{port}/setup", data=form)
