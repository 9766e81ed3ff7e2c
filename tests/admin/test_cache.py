"""The Admin's one cache: what it keeps for one user never reaches another, and registering a
model or changing a role empties it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from list_app import csrf_of, signed_in
from list_models import Customer, Order, Price
from sqlalchemy.orm import Session

from dashkit.admin import get_admin
from dashkit.admin.cache import AdminCache

SIDEBAR = re.compile(r'<nav class="sidebar admin-nav" aria-label="Models">(.*?)</nav>', re.DOTALL)


def sidebar(client) -> list[str]:
    html = client.get("/admin/").get_data(as_text=True)
    return re.findall(r"<a [^>]*>([^<]+)</a>", SIDEBAR.search(html).group(1))


def linked_keys(html: str, slug: str) -> set[int]:
    return {int(key) for key in re.findall(rf'href="/admin/{slug}/(\d+)/"', html)}


def option_values(html: str) -> set[int]:
    return {int(key) for key in re.findall(r'<option value="(\d+)"', html)}


def seen_by(client, red_order: int) -> dict[str, object]:
    """What one user is shown, page by page."""
    orders = client.get("/admin/list_orders/?size=1000").get_data(as_text=True)
    customers = client.get("/admin/list_customers/").get_data(as_text=True)
    form = client.get(f"/admin/list_orders/{red_order}/edit").get_data(as_text=True)
    found = client.get("/admin/list_orders/lookup/customer_id?q=Smith").get_data(as_text=True)
    return {
        "sidebar": sidebar(client),
        "orders": linked_keys(orders, "list_orders"),
        "order actions": "mark_paid" in orders,
        "customers": linked_keys(customers, "list_customers"),
        "may add customers": "Add customer" in customers,
        "customer choices": option_values(form),
        "customers found": set(re.findall(r"(\w+) Smith \(#", found)),
        "price page": client.get("/admin/list_prices/EU,2024-01-01/").status_code,
    }


def test_two_users_in_turn_never_see_each_others_cached_entries(admin_app, list_engine):
    """Ada (admin) sees every row and model; Rita (red team) sees the red team's customers
    and their orders, may change orders but only view customers, and may not see prices."""
    admin = get_admin(admin_app)
    admin.register(Price)
    with Session(list_engine) as session:
        session.add(Price(region="EU", day=date(2024, 1, 1), amount=Decimal("1.50")))
        session.commit()
        every_customer = set(session.scalars(sa.select(Customer.id)))
        every_order = set(session.scalars(sa.select(Order.id)))
        red = set(session.scalars(sa.select(Customer.id).where(Customer.team == "red")))
        red_orders = set(session.scalars(sa.select(Order.id).where(Order.customer_id.in_(red))))
    red_order = min(red_orders)
    ada, rita = signed_in(admin_app, "ada"), signed_in(admin_app, "rita")
    expected = {
        ada: {
            "sidebar": ["Customers", "Orders", "Prices"],
            "orders": every_order,
            "order actions": True,
            "customers": every_customer,
            "may add customers": True,
            "customer choices": every_customer,
            "customers found": {"Anna", "Bob"},  # Anna Smith is red, Bob Smith blue
            "price page": 200,
        },
        rita: {
            "sidebar": ["Customers", "Orders"],
            "orders": red_orders,
            "order actions": True,
            "customers": red,
            "may add customers": False,
            "customer choices": red,
            "customers found": {"Anna"},
            "price page": 403,
        },
    }
    for _ in range(3):
        for client in (ada, rita):
            assert seen_by(client, red_order) == expected[client]
    for kind in ("sidebar", "list_access", "url_path", "form_fields", "row_by_key"):
        assert admin.cache.size(kind) > 0, f"nothing of kind {kind} was kept"
    assert admin.cache.size("list_access") >= 4, "one per model and permission set"


def test_a_model_registered_later_is_linked_at_once(admin_app):
    ada = signed_in(admin_app)
    admin = get_admin(admin_app)
    before = ada.get("/admin/list_orders/3/").get_data(as_text=True)
    assert sidebar(ada) == ["Customers", "Orders"] and admin.cache.size("sidebar")
    admin.register(Price)
    assert admin.cache.size("sidebar") == 0
    assert sidebar(ada) == ["Customers", "Orders", "Prices"]
    after = ada.get("/admin/list_orders/3/").get_data(as_text=True)
    assert 'href="/admin/list_prices/"' in after and 'href="/admin/list_prices/"' not in before


def test_saving_a_role_empties_the_cache(admin_app):
    ada = signed_in(admin_app)
    admin = get_admin(admin_app)
    ada.get("/admin/list_orders/")
    assert admin.cache.size("list_access")
    token = csrf_of(ada.get("/admin/list_orders/").get_data(as_text=True))
    saved = ada.post(
        "/users/roles/new",
        data={"csrf_token": token, "name": "auditor", "permissions": "list_orders.view"},
    )
    assert saved.status_code == 303
    assert admin.cache.size("list_access") == 0 and admin.cache.size("sidebar") == 0


def test_each_kind_keeps_a_bounded_number_of_values():
    cache = AdminCache(kept_per_kind=2)
    built: list[str] = []

    def build(value: str):
        return lambda: built.append(value) or value

    assert cache.get_or_build("urls", "a", build("A")) == "A"
    assert cache.get_or_build("urls", "a", build("again")) == "A" and built == ["A"]
    cache.put("urls", "b", "B")
    cache.put("other", "x", "X")
    cache.put("urls", "c", "C")  # a third key: the kind's values are forgotten
    assert (cache.get("urls", "a"), cache.get("urls", "c")) == (None, "C")
    assert cache.get("other", "x") == "X"
    cache.clear()
    assert cache.get("other", "x") is None and cache.size("urls") == 0
