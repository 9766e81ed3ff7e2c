"""The list's table as a user gets it: values formatted and escaped, rows and cells linked."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from list_app import FAST_N, PASSWORD, signed_in
from list_models import Customer, ListBase, Order, Price
from markupsafe import Markup, escape
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from dashkit import App
from dashkit.admin import Admin, ModelAdmin
from dashkit.admin.keys import encode_pk
from dashkit.admin.urls import path_segment
from dashkit.auth import create_user, init_auth
from dashkit.auth.passwords import PasswordHasher
from dashkit.db import init_db
from dashkit.migrations import upgrade_state


class Cells(HTMLParser):
    """The text of each cell and the attributes of each element, as a browser reads them."""

    def __init__(self, html: str):
        super().__init__()
        self.rows: list[list[str]] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def attributes(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


class MixedBase(DeclarativeBase):
    pass


class Mixed(MixedBase):
    """A column SQLite stores without a type: text in one row, a number in the next."""

    __tablename__ = "list_mixed"
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str | None] = mapped_column(sa.String)


Serve = Callable[..., Callable[..., str]]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """`serve(rows, {Model: ModelAdminClass, ...}, sql)`: an admin over a SQLite file holding
    only `rows` (and what the `sql` statements add), with the given models registered;
    returns a function giving a list page's table (head and body) as `user` (ada may do
    anything, vera may only view)."""
    url = f"sqlite:///{tmp_path / 'table.sqlite'}"
    apps: list[App] = []

    def start(
        rows: list[Any], admins: dict[type, type[ModelAdmin]], sql: tuple[str, ...] = ()
    ) -> Callable[..., str]:
        upgrade_state(url)
        engine = sa.create_engine(url)
        ListBase.metadata.create_all(engine)
        with Session(engine, expire_on_commit=False) as session:
            session.add_all(rows)
            session.commit()
        with engine.begin() as connection:
            for statement in sql:
                connection.exec_driver_sql(statement)
        engine.dispose()
        app = App("tests", {"SECRET_KEY": "test-secret", "PASSWORD_SCRYPT_N": FAST_N})
        apps.append(app)
        init_db(app, url)
        init_auth(app)
        admin = Admin(app)
        for model, model_admin in admins.items():
            admin.register(model, model_admin)
        with app.state_session() as session:
            for user, roles in (("ada", ["admin"]), ("vera", ["viewer"])):
                create_user(session, user, PASSWORD, roles, hasher=PasswordHasher(n=FAST_N))
        clients = {user: signed_in(app, user) for user in ("ada", "vera")}

        def table(path: str, user: str = "ada") -> str:
            response = clients[user].get(path)
            assert response.status_code == 200, response.text[:500]
            return (
                "<table" + response.text.split('<table class="list-table"')[1].split("</table>")[0]
            )

        return table

    yield start
    for app in apps:
        app.extensions["db"].dispose()


def body(table: str) -> str:
    return table.split("<tbody>")[1]


def test_text_is_escaped_and_values_formatted_by_type(serve: Serve):
    class OrderAdmin(ModelAdmin):
        list_display = ("id", "reference", "total", "weight", "placed_on", "paid", "note")

    order = Order(
        id=7,
        reference='<script>alert("x")</script> & co',
        total=Decimal("12.50"),
        weight=None,
        placed_on=date(2024, 2, 29),
        paid=True,
        note="it's <b>bold</b>",
    )
    html = body(serve([order], {Order: OrderAdmin})("/admin/list_orders/", "vera"))
    assert "<script>" not in html and "<b>" not in html
    assert Cells(html).rows == [
        [
            "7",
            '<script>alert("x")</script> & co',
            "12.50",
            "",
            "2024-02-29",
            "yes",
            "it's <b>bold</b>",
        ]
    ]


def test_formatters_may_return_markup_and_plain_text_is_escaped(serve: Serve):
    class CustomerAdmin(ModelAdmin):
        list_display = ("id", "name", "email", "active")
        formatters: ClassVar[dict[str, Callable[[Any], Any]]] = {
            "name": lambda value: Markup("<em>{}</em>").format(value),
            "email": lambda value: f"<{value}>",
            "active": lambda value: 0,
        }

    customer = Customer(id=1, name="A & B", email="a@b")
    html = body(serve([customer], {Customer: CustomerAdmin})("/admin/list_customers/", "vera"))
    assert "<em>A &amp; B</em>" in html and "&lt;a@b&gt;" in html
    assert Cells(html).rows == [["1", "A & B", "<a@b>", "0"]]


def test_row_links_quote_and_escape_any_key(serve: Serve):
    """A composite key with a slash, comma, ampersand and quote: one path segment, escaped."""
    price = Price(region="north/east, 'A&B'", day=date(2024, 3, 1), amount=Decimal("9.99"))
    table = serve([price], {Price: ModelAdmin})("/admin/list_prices/?sort=-amount")
    html, cells = body(table), Cells(body(table))
    key = encode_pk([price.region, price.day])
    segment = path_segment(key)
    assert [attrs["href"] for attrs in cells.attributes("a")] == [
        f"/admin/list_prices/{segment}/",
        f"/admin/list_prices/{segment}/edit",
    ]
    assert cells.attributes("tr")[0]["data-pk"] == segment
    assert cells.attributes("input")[0]["value"] == key
    assert f'value="{escape(key)}"' in html
    editor = Cells(table.split("<tbody>")[0]).attributes("th")[-1]
    assert editor["data-edit-before"] == "/admin/list_prices/"
    assert (
        editor["data-edit-after"] == "/cell/amount?next=%2Fadmin%2Flist_prices%2F%3Fsort%3D-amount"
    )


def test_cells_carry_no_editor_links_rows_carry_their_key_and_edit_form(serve: Serve):
    """An editable cell is found through its column's header and its row's key (the
    script adds the pencils); without JavaScript the row's own edit form is the way."""

    class CustomerAdmin(ModelAdmin):
        list_display = ("id", "name", "email")

    customers = [Customer(id=1, name="Ann", email=None), Customer(id=2, name="Bo", email="b@x")]
    table = serve(customers, {Customer: CustomerAdmin})
    viewer = Cells(body(table("/admin/list_customers/", "vera")))
    assert [attrs.get("data-pk") for attrs in viewer.attributes("tr")] == [None, None]
    assert [attrs["href"] for attrs in viewer.attributes("a")] == [
        "/admin/list_customers/1/",
        "/admin/list_customers/2/",
    ], "a user who may not edit gets no editor and no edit link"
    editor = Cells(body(table("/admin/list_customers/")))
    assert [attrs["data-pk"] for attrs in editor.attributes("tr")] == ["1", "2"]
    assert editor.rows == [["", "1", "Ann", "—", "Edit"], ["", "2", "Bo", "b@x", "Edit"]]
    assert [attrs["href"] for attrs in editor.attributes("a")] == [
        "/admin/list_customers/1/",
        "/admin/list_customers/1/edit",
        "/admin/list_customers/2/",
        "/admin/list_customers/2/edit",
    ]
    assert [attrs["aria-label"] for attrs in editor.attributes("input")] == [
        "Select Ann",
        "Select Bo",
    ]


def test_a_column_of_mixed_types_is_formatted_and_escaped_value_by_value(serve: Serve):
    """SQLite may hold text in one row and a number in the next of the same column."""
    table = serve(
        [],
        {Mixed: type("MixedAdmin", (ModelAdmin,), {"list_display": ("id", "value")})},
        (
            "CREATE TABLE list_mixed (id INTEGER PRIMARY KEY, value)",
            "INSERT INTO list_mixed VALUES (1, 5), (2, '<b>&'), (3, NULL), (4, 1.5)",
        ),
    )
    html = body(table("/admin/list_mixed/", "vera"))
    assert "<b>" not in html
    assert Cells(html).rows == [["1", "5"], ["2", "<b>&"], ["3", ""], ["4", "1.5"]]


def test_foreign_keys_link_to_their_row_and_empty_values_say_so(serve: Serve):
    class OrderAdmin(ModelAdmin):
        list_display = ("reference", "customer_id", "quantity", "note")

    day = date(2024, 1, 1)
    rows = [
        Customer(id=3, name="Cy"),
        Order(id=1, reference="", customer_id=3, quantity=None, total=1, placed_on=day),
        Order(
            id=2, reference="B-2", customer_id=None, quantity=4, note="kept", total=1, placed_on=day
        ),
    ]
    table = serve(rows, {Order: OrderAdmin, Customer: ModelAdmin})("/admin/list_orders/?sort=id")
    cells = Cells(body(table))
    assert cells.rows == [
        ["", "(empty)", "3", "—", "", "Edit"],
        ["", "B-2", "", "4", "kept", "Edit"],
    ]
    hrefs = [attrs["href"] for attrs in cells.attributes("a")]
    assert hrefs == [
        "/admin/list_orders/1/",
        "/admin/list_customers/3/",
        "/admin/list_orders/1/edit",
        "/admin/list_orders/2/",
        "/admin/list_orders/2/edit",
    ]


def test_the_header_row_sorts_names_editors_and_escapes(serve: Serve):
    class OrderAdmin(ModelAdmin):
        list_display = ("id", "note", "reference")
        search_fields = ("reference",)

    order = Order(id=1, reference="R", total=1, placed_on=date(2024, 1, 1))
    table = serve([order], {Order: OrderAdmin})
    head = Cells(table("/admin/list_orders/?q=a%26b").split("<tbody>")[0])
    assert head.rows == [["", "Id▲", "Note", "Reference", ""]]
    columns = head.attributes("th")
    assert columns[0]["aria-sort"] == "ascending" and "aria-sort" not in columns[1]
    assert "data-edit-before" not in columns[0] and "data-edit-before" not in columns[1]
    assert (columns[2]["data-edit-before"], columns[2]["data-edit-after"]) == (
        "/admin/list_orders/",
        "/cell/reference?next=%2Fadmin%2Flist_orders%2F%3Fq%3Da%2526b",
    )
    assert [attrs["href"] for attrs in head.attributes("a")] == [
        "/admin/list_orders/?q=a%26b&sort=-id",
        "/admin/list_orders/?q=a%26b&sort=note",
        "/admin/list_orders/?q=a%26b&sort=reference",
    ]
    assert head.attributes("input")[0]["aria-label"] == "Select every row on this page"
    html = table("/admin/list_orders/?sort=-reference", "vera").split("<tbody>")[0]
    assert "&amp;" not in html and "select" not in html and "row-edit" not in html
    assert Cells(html).rows == [["Id", "Note", "Reference▼"]]
