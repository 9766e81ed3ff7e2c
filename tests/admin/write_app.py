"""An app serving the write-test models through the admin, with users of each built-in role."""

from __future__ import annotations

import re

import sqlalchemy as sa
from write_models import Base, Customer, Line, Order, Product, Tag

from dashkit import App
from dashkit.admin import Admin, ModelAdmin
from dashkit.auth import create_user, init_auth
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
LOGIN_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


class OrderAdmin(ModelAdmin):
    inlines = ("lines",)


def make_write_app(url: str, template_folder: str = "templates", **config) -> App:
    """The models' tables and dashkit's state tables in one database at `url`, served at /admin
    (the app's own templates in `template_folder`)."""
    upgrade_state(url)
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    settings = {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N, **config}
    app = App("tests", settings, template_folder=template_folder)
    init_db(app, url)
    init_auth(app)
    admin = Admin(app)
    for model in (Customer, Tag, Product, Line):
        admin.register(model)
    admin.register(Order, OrderAdmin)
    hasher = PasswordHasher(n=FAST_N)
    with app.state_session() as session:
        for name, password in PASSWORDS.items():
            create_user(session, name, password, ROLES[name], hasher=hasher)
    return app


def signed_in(app: App, username: str = "ada", password: str | None = None):
    """A test client signed in as `username` (one of PASSWORDS unless `password` is given)."""
    client = app.test_client()
    token = LOGIN_CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    password = password or PASSWORDS[username]
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303
    return client
