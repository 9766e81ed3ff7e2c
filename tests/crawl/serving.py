"""Helpers for tests of served apps: build one around a URL, sign in, read CSRF tokens."""

from __future__ import annotations

import re
import socket

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
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)})
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    return client


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
