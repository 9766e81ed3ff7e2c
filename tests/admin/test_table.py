"""The list table's body as HTML: escaping, formatting, and the links of rows and cells."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any, ClassVar

from list_models import Customer, Order, Price
from markupsafe import Markup, escape

from dashkit.admin import ModelAdmin
from dashkit.admin.keys import encode_pk
from dashkit.admin.list.table import TableLinks, table_body, table_head
from dashkit.admin.urls import path_segment

NO_LINKS = TableLinks(detail=("/admin/x/", "/"), related={}, editors={})


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

    def attributes(self, tag: str, css_class: str | None = None) -> list[dict[str, str | None]]:
        return [
            attrs
            for name, attrs in self.elements
            if name == tag and (css_class is None or attrs.get("class") == css_class)
        ]


def body(model_admin: ModelAdmin, rows, links: TableLinks = NO_LINKS, names=None, **options):
    fields = [f for f in model_admin.list_fields if names is None or f.name in names]
    return table_body(model_admin, rows, fields, links, selectable=options.get("selectable", False))


def test_text_is_escaped_and_values_formatted_by_type():
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
    html = body(OrderAdmin(Order), [order])
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


def test_formatters_may_return_markup_and_plain_text_is_escaped():
    class CustomerAdmin(ModelAdmin):
        list_display = ("id", "name", "email")
        formatters: ClassVar[dict[str, Callable[[Any], Any]]] = {
            "name": lambda value: Markup("<em>{}</em>").format(value),
            "email": lambda value: f"<{value}>",
        }

    html = body(CustomerAdmin(Customer), [Customer(id=1, name="A & B", email="a@b")])
    assert "<em>A &amp; B</em>" in html and "&lt;a@b&gt;" in html


def test_row_links_quote_and_escape_any_key():
    """A composite key with a slash, comma, ampersand and quote: one path segment, escaped."""
    price = Price(region="north/east, 'A&B'", day=date(2024, 3, 1), amount=Decimal("9.99"))
    links = TableLinks(
        detail=("/admin/list_prices/", "/"),
        related={},
        editors={"amount": ("/admin/list_prices/", "/cell/amount?next=%2Fx%3Fa%3D1%26b%3D2")},
        edit=("/admin/list_prices/", "/edit"),
    )
    html = body(ModelAdmin(Price), [price], links, selectable=True)
    cells = Cells(html)
    key = encode_pk([price.region, price.day])
    segment = path_segment(key)
    assert [attrs["href"] for attrs in cells.attributes("a")] == [
        f"/admin/list_prices/{segment}/",
        f"/admin/list_prices/{segment}/edit",
    ]
    assert cells.attributes("tr")[0]["data-pk"] == segment
    assert cells.attributes("input")[0]["value"] == key
    assert f'value="{escape(key)}"' in html


def test_cells_carry_no_editor_links_rows_carry_their_key_and_edit_form():
    """An editable cell is found through its column's header and its row's key (the
    script adds the pencils); without JavaScript the row's own edit form is the way."""

    class CustomerAdmin(ModelAdmin):
        list_display = ("id", "name", "email")

    customers = [Customer(id=1, name="Ann", email=None), Customer(id=2, name="Bo", email="b@x")]
    viewer = Cells(body(CustomerAdmin(Customer), customers))
    assert [attrs.get("data-pk") for attrs in viewer.attributes("tr")] == [None, None]
    assert [attrs["href"] for attrs in viewer.attributes("a")] == [
        "/admin/x/1/",
        "/admin/x/2/",
    ], "a user who may not edit gets no editor and no edit link"
    links = TableLinks(
        detail=("/admin/list_customers/", "/"),
        related={},
        editors={"email": ("/admin/list_customers/", "/cell/email")},
        edit=("/admin/list_customers/", "/edit"),
    )
    editor = Cells(body(CustomerAdmin(Customer), customers, links))
    assert [attrs["data-pk"] for attrs in editor.attributes("tr")] == ["1", "2"]
    assert editor.rows == [["1", "Ann", "—", "Edit"], ["2", "Bo", "b@x", "Edit"]]
    assert [attrs["href"] for attrs in editor.attributes("a")] == [
        "/admin/list_customers/1/",
        "/admin/list_customers/1/edit",
        "/admin/list_customers/2/",
        "/admin/list_customers/2/edit",
    ]


def test_a_column_of_mixed_types_is_formatted_and_escaped_value_by_value():
    """SQLite may hold text in one row and a number in the next of the same column."""

    class CustomerAdmin(ModelAdmin):
        list_display = ("id", "name")

    customers = [
        Customer(id=1, name=5),
        Customer(id=2, name="<b>&"),
        Customer(id=3, name=None),
        Customer(id=4, name=Decimal("1.50")),
    ]
    html = body(CustomerAdmin(Customer), customers)
    assert "<b>" not in html
    assert Cells(html).rows == [["1", "5"], ["2", "<b>&"], ["3", ""], ["4", "1.50"]]


def test_foreign_keys_link_to_their_row_and_empty_values_say_so():
    class OrderAdmin(ModelAdmin):
        list_display = ("reference", "customer_id", "note")

    links = TableLinks(
        detail=("/admin/list_orders/", "/"),
        related={"customer_id": ("/admin/list_customers/", "/")},
        editors={"note": ("/admin/list_orders/", "/cell/note")},
    )
    orders = [
        Order(id=1, reference="", customer_id=3, note=None),
        Order(id=2, reference="B-2", customer_id=None, note="kept"),
    ]
    cells = Cells(body(OrderAdmin(Order), orders, links))
    assert cells.rows == [["(empty)", "3", "—"], ["B-2", "", "kept"]]
    hrefs = [attrs["href"] for attrs in cells.attributes("a")]
    assert hrefs == [
        "/admin/list_orders/1/",
        "/admin/list_customers/3/",
        "/admin/list_orders/2/",
    ]


def test_the_header_row_sorts_names_editors_and_escapes():
    class OrderAdmin(ModelAdmin):
        list_display = ("id", "reference", "note")

    fields = OrderAdmin(Order).list_fields
    links = TableLinks(
        detail=("/admin/list_orders/", "/"),
        related={},
        editors={"note": ("/admin/list_orders/", "/cell/note?next=%2Fx%3Fa%3D1%26b%3D2")},
        edit=("/admin/list_orders/", "/edit"),
    )
    sort_urls = {"id": "/admin/list_orders/?q=a&sort=-id", "reference": "/x?sort=reference"}
    head = Cells(table_head(fields, links, sort_urls, sort=("id", False), selectable=True))
    assert head.rows == [["", "Id▲", "Reference", "Note", ""]]
    columns = head.attributes("th")
    assert columns[0]["aria-sort"] == "ascending" and "aria-sort" not in columns[1]
    assert "data-edit-before" not in columns[1]
    assert (columns[2]["data-edit-before"], columns[2]["data-edit-after"]) == links.editors["note"]
    assert [attrs["href"] for attrs in head.attributes("a")] == list(sort_urls.values())
    assert head.attributes("input")[0]["aria-label"] == "Select every row on this page"
    html = table_head(fields, links, sort_urls, sort=("reference", True), selectable=False)
    assert "&amp;sort=-id" in html and "select" not in html
    assert Cells(html).rows == [["Id", "Reference▼", "Note", ""]]
