"""An app serving the write-test models through the admin, with users of each built-in role."""

from __future__ import annotations

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


class OrderAdmin(ModelAdmin):
    inlines = ("lines",)


def make_write_app(url: str, **config) -> App:
    """The models' tables and dashkit's state tables in one database at `url`, served at /admin."""
    upgrade_state(url)
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = App("tests", {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N, **config})
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
