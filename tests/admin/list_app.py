"""A whole admin app over the list models, with users, for the list view and browser tests."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from list_models import Customer, Order

from dashkit import App
from dashkit.admin import Admin, ModelAdmin, action
from dashkit.admin.actions import ActionError
from dashkit.auth import create_user, init_auth
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.migrations import upgrade_state

FAST_N = 2**10
USERS = {"ada": ["admin"], "vera": ["viewer"], "rita": ["red_team"]}
PASSWORD = "a long enough test password"
ROLES = {"red_team": ["list_orders.*", "list_customers.view"]}
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def is_red_team(request) -> bool:
    return request is not None and request.user is not None and "red_team" in request.user.roles


class CustomerAdmin(ModelAdmin):
    list_display = ("name", "email", "team", "active", "tier")
    search_fields = ("name", "email")
    list_filter = ("active", "tier", "team")

    def scope(self, request, statement):
        """Users of the red team see only red-team customers."""
        return statement.where(Customer.team == "red") if is_red_team(request) else statement


class OrderAdmin(ModelAdmin):
    list_display = ("id", "reference", "customer.name", "customer_id", "total", "placed_on", "paid")
    search_fields = ("reference", "customer.name")
    list_filter = ("customer", "paid", "placed_on", "total", "weight")
    actions = ("delete_selected", "mark_paid")
    page_size = 10
    page_size_choices = (5, 10, 1000)

    @action(
        "Mark paid", permission="change", description="The selected orders will be marked paid."
    )
    def mark_paid(self, request, rows):
        for row in rows:
            if row.reference == "REFUSE":
                raise ActionError(f"order {row.id} cannot be marked paid")
            row.paid = True
        request.db.flush()
        return f"Marked {len(rows)} orders paid."

    def scope(self, request, statement):
        """Users of the red team see only the orders of red-team customers."""
        if is_red_team(request):
            red = sa.select(Customer.id).where(Customer.team == "red")
            return statement.where(Order.customer_id.in_(red))
        return statement


def make_admin_app(url: str, template_folder: str | None = "templates") -> App:
    """An app with the admin over `url`, whose state tables live in the same database."""
    upgrade_state(url)
    app = App(
        "tests",
        {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N, "ROLES": ROLES},
        template_folder=template_folder,
    )
    init_db(app, url)
    init_auth(app)
    admin = Admin(app, title="Shop admin")
    admin.register(Customer, CustomerAdmin)
    admin.register(Order, OrderAdmin)
    hasher = PasswordHasher(n=FAST_N)
    with app.state_session() as session:
        for name, roles in USERS.items():
            create_user(session, name, PASSWORD, roles, hasher=hasher)
    return app


@pytest.fixture
def admin_app(list_engine: sa.Engine) -> Iterator[App]:
    app = make_admin_app(list_engine.url.render_as_string(hide_password=False))
    yield app
    app.extensions["db"].dispose()


def csrf_of(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "the page has no CSRF field"
    return match.group(1)


def signed_in(app: App, username: str = "ada"):
    """A test client signed in through the login form."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf_of(page)}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client
