"""The admin's sidebar is kept per permission set: each user sees the models their roles
let them view, whoever came before, and a changed role or a new model shows at once."""

from __future__ import annotations

import re

import sqlalchemy as sa
from write_app import make_write_app, signed_in
from write_models import Order

from dashkit.admin import ModelAdmin
from dashkit.auth import create_user
from dashkit.auth.passwords import PasswordHasher
from dashkit.state import Role, User

SIDEBAR = re.compile(r'<nav class="sidebar admin-nav" aria-label="Models">(.*?)</nav>', re.DOTALL)


def sidebar_links(client, path: str = "/admin/", **options) -> list[tuple[str, str, str]]:
    html = client.get(path, **options).get_data(as_text=True)
    return re.findall(
        r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', SIDEBAR.search(html).group(1)
    )


def sidebar(client, path: str = "/admin/") -> list[str]:
    """The sidebar's link texts, the current page's marked with a star."""
    return [f"{text}{'*' if current else ''}" for _, current, text in sidebar_links(client, path)]


def test_each_user_sees_their_own_models_in_turn_and_a_changed_role_at_once(tmp_path):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    with app.state_session() as session:
        session.add(Role(name="order_desk", permissions=["orders.view", "orders.change"]))
        create_user(
            session, "olga", "olga's long secret", ["order_desk"], hasher=PasswordHasher(n=2**10)
        )
    ada = signed_in(app)
    olga = signed_in(app, "olga", "olga's long secret")
    everything = ["Customers", "Tags", "Products", "Lines", "Orders"]
    for _ in range(2):
        assert sidebar(ada) == everything
        assert sidebar(olga) == ["Orders"]
    assert sidebar(olga, "/admin/orders/") == ["Orders*"]
    assert sidebar(ada, "/admin/orders/") == [*everything[:-1], "Orders*"]
    assert sidebar(olga) == ["Orders"]
    with app.state_session() as session:
        session.get(Role, "order_desk").permissions = ["orders.view", "tags.view"]
    assert sidebar(olga) == ["Tags", "Orders"]
    with app.state_session() as session:
        session.scalar(sa.select(User).where(User.username == "olga")).roles = []
    assert sidebar(olga) == []
    assert sidebar(ada) == everything


def test_a_model_registered_later_shows_in_the_sidebar(tmp_path):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    ada = signed_in(app)
    assert "Orders (again)" not in sidebar(ada)

    class AgainAdmin(ModelAdmin):
        slug = "orders_again"
        label_plural = "orders (again)"

    app.extensions["admin"].register(Order, AgainAdmin)
    assert sidebar(ada)[-1] == "Orders (again)"


def test_sidebar_links_follow_the_mount_point(tmp_path):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}")
    ada = signed_in(app)
    assert sidebar_links(ada)[0][0] == "/admin/customers/"
    mounted = sidebar_links(ada, base_url="http://localhost/tools")
    assert mounted[0][0] == "/tools/admin/customers/"
    assert sidebar_links(ada)[0][0] == "/admin/customers/"


def test_an_app_draws_the_sidebar_with_its_own_template(tmp_path):
    folder = tmp_path / "templates" / "admin"
    folder.mkdir(parents=True)
    (folder / "_sidebar.html").write_text(
        "{% for group in sidebar %}{% for link in group.links %}"
        '<a href="{{ link.url }}">{{ link.label }}{{ " (here)" if link.is_current }}</a>'
        "{% endfor %}{% endfor %}"
    )
    app = make_write_app(
        f"sqlite:///{tmp_path / 'shop.sqlite'}", template_folder=str(tmp_path / "templates")
    )
    ada = signed_in(app)
    assert sidebar(ada, "/admin/orders/") == [
        "Customers",
        "Tags",
        "Products",
        "Lines",
        "Orders (here)",
    ]
    assert "<h2>" not in SIDEBAR.search(ada.get("/admin/").get_data(as_text=True)).group(1)
