"""What a list offers is kept per permission set and list URL: each user gets the actions
and links their roles allow, whoever came before, a changed role counts at once, and the
links follow the mount point."""

from __future__ import annotations

import re

import sqlalchemy as sa
from list_app import FAST_N, PASSWORD, CustomerAdmin, OrderAdmin, signed_in
from list_models import Customer, Order

from dashkit import App
from dashkit.admin import Admin
from dashkit.auth import create_user, init_auth
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.migrations import upgrade_state
from dashkit.state import User

ORDERS = "/admin/list_orders/"


def offered(client, path: str = ORDERS, **options) -> dict[str, object]:
    """What the list page offers its user."""
    html = client.get(path, **options).get_data(as_text=True)
    return {
        "actions": re.findall(r'<option value="(\w+)">', html.split('id="bulk-action"')[-1])
        if 'id="bulk-action"' in html
        else [],
        "export": "Export CSV" in html,
        "add": ">Add order</a>" in html,
        "edit forms": len(re.findall(r'<td class="row-edit"><a href="[^"]+/edit">Edit</a>', html)),
        "cell editors": re.findall(r'data-edit-after="/cell/(\w+)"', html),
        "customer links": len(re.findall(r'href="[^"]*/admin/list_customers/\d+/"', html)),
    }


ADMIN = {
    "actions": ["delete_selected", "mark_paid"],
    "export": True,
    "add": True,
    "edit forms": 10,
    "cell editors": ["reference", "total", "placed_on", "paid"],
    "customer links": 10,
}
VIEWER = {
    "actions": [],
    "export": False,
    "add": False,
    "edit forms": 0,
    "cell editors": [],
    "customer links": 10,
}


def test_each_user_gets_what_their_roles_allow_in_turn_and_a_changed_role_at_once(admin_app):
    ada, vera = signed_in(admin_app, "ada"), signed_in(admin_app, "vera")
    for _ in range(2):
        assert offered(ada) == ADMIN
        assert offered(vera) == VIEWER
    with admin_app.state_session() as session:
        session.scalar(sa.select(User).where(User.username == "vera")).roles = ["red_team"]
    red_team = offered(vera)  # list_orders.* and list_customers.view
    assert red_team["actions"] == ADMIN["actions"] and red_team["cell editors"]
    assert offered(ada) == ADMIN


def test_the_links_follow_the_mount_point(admin_app):
    ada = signed_in(admin_app)
    plain = ada.get(ORDERS).get_data(as_text=True)
    mounted = ada.get(ORDERS, base_url="http://localhost/tools").get_data(as_text=True)
    again = ada.get(ORDERS).get_data(as_text=True)
    assert again == plain.replace(csrf_token(plain), csrf_token(again))
    links = re.findall(r'(?:href|data-edit-before)="(/[^"]*)"', mounted)
    admin_links = [link for link in links if "/admin/" in link]
    assert len(admin_links) > 40
    assert all(link.startswith("/tools/admin/") for link in admin_links)
    assert mounted.count("/tools/admin/list_customers/") >= ADMIN["customer links"]
    assert offered(ada, base_url="http://localhost/tools") == ADMIN


def test_a_model_registered_later_is_linked_at_once(list_engine: sa.Engine):
    url = list_engine.url.render_as_string(hide_password=False)
    upgrade_state(url)
    app = App("tests", {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N})
    init_db(app, url)
    init_auth(app)
    admin = Admin(app)
    admin.register(Order, OrderAdmin)
    with app.state_session() as session:
        create_user(session, "ada", PASSWORD, ["admin"], hasher=PasswordHasher(n=FAST_N))
    ada = signed_in(app)
    assert offered(ada)["customer links"] == 0
    admin.register(Customer, CustomerAdmin)
    assert offered(ada)["customer links"] == ADMIN["customer links"]
    app.extensions["db"].dispose()


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
