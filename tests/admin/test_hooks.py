"""ModelAdmin hooks: the base query and the search of every read, and the save and delete
hooks on every path that writes (forms, list cells, inline rows, bulk actions, the delete
page), through the test client."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from test_write_views import audit_events, csrf_of, form_of, seed
from write_app import OrderAdmin, make_write_app, signed_in
from write_models import Customer, Line, Order, Status

from dashkit.admin import ModelAdmin, WriteRefused, action


class Recording(ModelAdmin):
    """Writes down each hook call as (hook, primary key, is_new) and the columns `on_save`
    found pending; changes the row or refuses the write when a test asks it to."""

    def __init__(self, model: type):
        super().__init__(model)
        self.calls: list[tuple[Any, ...]] = []
        self.pending: list[set[str]] = []
        self.changes: dict[str, Any] = {}
        self.refusals: dict[str, Exception] = {}

    def _called(self, hook: str, obj: Any, *is_new: bool) -> None:
        self.calls.append((hook, tuple(getattr(obj, k) for k in self.info.primary_key), *is_new))
        if hook == "on_save":
            state = sa.inspect(obj)
            self.pending.append(
                {a.key for a in state.attrs if a.history.added} & set(self.info.columns)
            )
            for name, value in self.changes.items():
                setattr(obj, name, value)
        if hook in self.refusals:
            raise self.refusals[hook]

    def on_save(self, request, obj, is_new):
        self._called("on_save", obj, is_new)

    def after_save(self, request, obj, is_new):
        self._called("after_save", obj, is_new)

    def on_delete(self, request, obj):
        self._called("on_delete", obj)

    def after_delete(self, request, obj):
        self._called("after_delete", obj)


class RecordingOrders(Recording, OrderAdmin):
    actions = ("delete_selected", "archive", "drop")

    @action("Archive", permission="change")
    def archive(self, request, rows):
        for row in rows:
            row.note = "archived"

    @action("Drop", permission="delete")
    def drop(self, request, rows):
        for row in rows:
            request.db.delete(row)


RECORDING = {Order: RecordingOrders, Line: Recording, Customer: Recording}


@pytest.fixture
def app(tmp_path):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}", RECORDING)
    seed(app)
    return app


@pytest.fixture
def client(app):
    return signed_in(app)


@pytest.fixture
def dialect_app_with_hooks(database_url):
    """The app with recording ModelAdmins on SQLite, PostgreSQL and MariaDB in turn."""
    app = make_write_app(database_url, RECORDING)
    seed(app)
    yield app
    app.extensions["db"].dispose()


def recorder(app, slug: str) -> Recording:
    return app.extensions["admin"].model_admins[slug]


def orders_in(app) -> dict[int, tuple[str | None, bool | None]]:
    with app.db_session() as session:
        return {o.id: (o.note, o.paid) for o in session.scalars(sa.select(Order))}


# -- the save hooks ------------------------------------------------------------------------------


def test_the_create_form_shows_a_refusal_from_on_save_and_then_saves_what_on_save_changed(
    app, client
):
    orders = recorder(app, "orders")
    orders.refusals["on_save"] = WriteRefused("New orders need a manager's approval.")
    data = {
        **form_of(client, "/admin/orders/new"),
        "customer_id": "1",
        "total": "3",
        "note": "mine",
    }
    response = client.post("/admin/orders/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "New orders need a manager&#39;s approval." in html and "mine" in html
    assert orders_in(app) == {1: ("first", None)} and audit_events(app, "orders") == []
    orders.refusals["on_save"] = WriteRefused({"total": "Too small for an order."})
    response = client.post("/admin/orders/new", data=data)
    assert response.status_code == 422 and "Too small for an order." in response.text
    del orders.refusals["on_save"]
    orders.calls.clear()
    orders.changes = {"paid": True}
    response = client.post("/admin/orders/new", data=data)
    assert response.status_code == 303
    assert orders.calls == [("on_save", (None,), True), ("after_save", (2,), True)]
    assert orders_in(app)[2] == ("mine", True)
    (event,) = audit_events(app, "orders")
    assert event.changes["paid"] == {"before": None, "after": True}


def test_a_failing_after_save_undoes_the_row_it_had_just_written(app, client):
    orders = recorder(app, "orders")
    orders.refusals["after_save"] = WriteRefused("The warehouse refused the order.")
    data = {**form_of(client, "/admin/orders/new"), "customer_id": "1", "total": "3"}
    response = client.post("/admin/orders/new", data=data)
    assert response.status_code == 422
    assert "The warehouse refused the order." in response.text
    assert orders.calls[-1] == ("after_save", (2,), True), "the row was written, with its key"
    assert list(orders_in(app)) == [1] and audit_events(app, "orders") == []
    orders.refusals["after_save"] = RuntimeError("the hook has a bug")
    assert client.post("/admin/orders/new", data=data).status_code == 500
    assert list(orders_in(app)) == [1]


def test_the_edit_form_calls_on_save_with_the_changes_still_pending(dialect_app_with_hooks):
    app = dialect_app_with_hooks
    client = signed_in(app)
    orders = recorder(app, "orders")
    base = {"customer_id": "1", "total": "10.50", "status": "new", "note": "first"}
    unchanged = client.post(
        "/admin/orders/1/edit", data={**form_of(client, "/admin/orders/1/edit"), **base}
    )
    assert unchanged.status_code == 303 and orders.calls == [], "nothing to write, no hook"
    orders.refusals["on_save"] = WriteRefused("Order 1 is locked.")
    data = {**form_of(client, "/admin/orders/1/edit"), **base, "note": "edited"}
    response = client.post("/admin/orders/1/edit", data=data)
    assert response.status_code == 422 and "Order 1 is locked." in response.text
    assert orders_in(app)[1] == ("first", None)
    del orders.refusals["on_save"]
    orders.calls.clear()
    orders.pending.clear()
    orders.changes = {"paid": True}
    assert client.post("/admin/orders/1/edit", data=data).status_code == 303
    assert orders.calls == [("on_save", (1,), False), ("after_save", (1,), False)]
    assert orders.pending == [{"note"}]
    assert orders_in(app)[1] == ("edited", True)
    (event,) = [e for e in audit_events(app, "orders") if e.action == "update"]
    assert set(event.changes) == {"note", "paid"}


def test_a_cell_edited_in_the_list_goes_through_the_save_hooks(app, client):
    customers = recorder(app, "customers")
    htmx = {"HX-Request": "true"}
    editor = client.get("/admin/customers/1/cell/email", headers=htmx).text
    token = {
        "csrf_token": csrf_of(client),
        "_originals": re.search(r'name="_originals" value="([^"]+)"', editor).group(1),
    }
    customers.refusals["on_save"] = WriteRefused({"name": "Alice's account is closed."})
    response = client.post(
        "/admin/customers/1/cell/email", data={**token, "email": "new@example.com"}, headers=htmx
    )
    assert response.status_code == 200
    assert "Alice&#39;s account is closed." in response.text
    with app.db_session() as session:
        assert session.get(Customer, 1).email == "alice@example.com"
    del customers.refusals["on_save"]
    customers.calls.clear()
    response = client.post(
        "/admin/customers/1/cell/email", data={**token, "email": "new@example.com"}, headers=htmx
    )
    assert "new@example.com" in response.text
    assert customers.calls == [("on_save", (1,), False), ("after_save", (1,), False)]
    with app.db_session() as session:
        assert session.get(Customer, 1).email == "new@example.com"


def test_inline_rows_go_through_their_own_models_hooks(app, client):
    orders, lines = recorder(app, "orders"), recorder(app, "order_lines")
    url = "/admin/orders/1/edit"
    html = client.get(url).text
    data = {
        **form_of(client, url),
        "customer_id": "1",
        "total": "10.50",
        "status": "new",
        "note": "first",
    }
    for prefix in ("lines-0-", "lines-1-"):
        data[f"{prefix}_originals"] = re.search(
            rf'name="{prefix}_originals" value="([^"]+)"', html
        ).group(1)
    data.update(
        {
            "lines-0-product": "item 1",
            "lines-0-qty": "7",
            "lines-1-product": "item 2",
            "lines-1-qty": "2",
            "lines-1-_delete": "1",
            "lines-new0-line_no": "3",
            "lines-new0-product": "jam",
            "lines-new0-qty": "1",
        }
    )
    lines.refusals["on_delete"] = WriteRefused("Lines of a placed order stay.")
    response = client.post(url, data=data)
    assert response.status_code == 422 and "Lines of a placed order stay." in response.text
    with app.db_session() as session:
        assert session.get(Line, (1, 1)).qty == 1 and session.get(Line, (1, 2)) is not None
        assert session.get(Line, (1, 3)) is None
    del lines.refusals["on_delete"]
    lines.calls.clear()
    assert client.post(url, data=data).status_code == 303
    assert lines.calls == [
        ("on_save", (1, 1), False),
        ("after_save", (1, 1), False),
        ("on_delete", (1, 2)),
        ("after_delete", (1, 2)),
        ("on_save", (1, 3), True),
        ("after_save", (1, 3), True),
    ]
    assert orders.calls == [], "the parent itself did not change"
    with app.db_session() as session:
        assert session.get(Line, (1, 1)).qty == 7 and session.get(Line, (1, 3)).product == "jam"


# -- the delete hooks and bulk actions -----------------------------------------------------------


def test_the_delete_page_shows_a_refusal_from_on_delete_and_then_deletes(app, client):
    lines = recorder(app, "order_lines")
    url = "/admin/order_lines/1,2/delete"
    lines.refusals["on_delete"] = WriteRefused("Shipped lines cannot be deleted.")
    response = client.post(url, data=form_of(client, url))
    assert response.status_code == 409 and "Shipped lines cannot be deleted." in response.text
    with app.db_session() as session:
        assert session.get(Line, (1, 2)) is not None
    lines.refusals = {"after_delete": WriteRefused("The stock could not be returned.")}
    response = client.post(url, data=form_of(client, url))
    assert response.status_code == 409 and "The stock could not be returned." in response.text
    with app.db_session() as session:
        assert session.get(Line, (1, 2)) is not None
    lines.refusals.clear()
    lines.calls.clear()
    assert client.post(url, data=form_of(client, url)).status_code == 303
    assert lines.calls == [("on_delete", (1, 2)), ("after_delete", (1, 2))]
    with app.db_session() as session:
        assert session.get(Line, (1, 2)) is None


def run_action(client, slug: str, name: str, pks: list[str]):
    """Apply a bulk action, confirmed, to the rows of `pks`."""
    data = {"action": name, "pk": pks, "confirm": "1", "csrf_token": csrf_of(client, "/admin/")}
    return client.post(f"/admin/{slug}/actions", data=data)


def test_the_delete_action_calls_the_delete_hooks_for_each_row(app, client):
    lines = recorder(app, "order_lines")
    lines.refusals["on_delete"] = WriteRefused("Line 2 is packed already.")
    response = run_action(client, "order_lines", "delete_selected", ["1,1", "1,2"])
    assert response.status_code == 409
    assert "Nothing was changed: Line 2 is packed already." in response.text
    with app.db_session() as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Line)) == 2
    lines.refusals.clear()
    lines.calls.clear()
    assert run_action(client, "order_lines", "delete_selected", ["1,1", "1,2"]).status_code == 303
    assert lines.calls == [
        ("on_delete", (1, 1)),
        ("after_delete", (1, 1)),
        ("on_delete", (1, 2)),
        ("after_delete", (1, 2)),
    ]


def test_rows_a_bulk_action_changes_or_deletes_go_through_the_hooks(app, client):
    orders = recorder(app, "orders")
    with app.db_session() as session:
        session.add(Order(customer_id=1, total=Decimal(2), note="second", status=Status.new))
    orders.refusals["on_save"] = WriteRefused("Archiving is closed today.")
    response = run_action(client, "orders", "archive", ["1", "2"])
    assert response.status_code == 409 and "Archiving is closed today." in response.text
    assert orders_in(app) == {1: ("first", None), 2: ("second", None)}
    del orders.refusals["on_save"]
    orders.calls.clear()
    orders.pending.clear()
    assert run_action(client, "orders", "archive", ["1", "2"]).status_code == 303
    assert orders.calls == [
        ("on_save", (1,), False),
        ("on_save", (2,), False),
        ("after_save", (1,), False),
        ("after_save", (2,), False),
    ]
    assert orders.pending == [{"note"}, {"note"}]
    assert orders_in(app) == {1: ("archived", None), 2: ("archived", None)}
    orders.calls.clear()
    assert run_action(client, "orders", "drop", ["2"]).status_code == 303
    assert orders.calls == [("on_delete", (2,)), ("after_delete", (2,))]
    assert list(orders_in(app)) == [1]


# -- the base query and the search ---------------------------------------------------------------


class OpenOrders(ModelAdmin):
    """Shipped orders are archived: the admin neither shows nor changes them. A number in
    the search box finds the orders of at least that total."""

    def query(self, request):
        return sa.select(Order).where(Order.status != Status.shipped)

    def search(self, request, statement, term):
        if not term.isdigit():
            return statement.where(sa.false())
        return statement.where(Order.total >= int(term))


class LargeLines(ModelAdmin):
    """Lines of one item are not worth showing."""

    def query(self, request):
        return sa.select(Line).where(Line.qty > 1)


@pytest.fixture
def open_orders(tmp_path):
    admins = {Order: OpenOrders, Line: LargeLines}
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}", admins)
    seed(app)
    with app.db_session() as session:
        session.add_all(
            [
                Order(id=2, customer_id=1, total=Decimal(50), status=Status.shipped),
                Order(id=3, customer_id=1, total=Decimal(99), status=Status.paid),
            ]
        )
    return app


def listed_orders(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/admin/orders/(\d+)/"', html)}


def test_a_query_of_its_own_is_the_base_of_every_read(open_orders):
    client = signed_in(open_orders)
    assert listed_orders(client.get("/admin/orders/").text) == {1, 3}
    count = client.get("/admin/orders/count", headers={"HX-Request": "true"}).text
    assert "2 orders" in count
    exported = json.loads(client.get("/admin/orders/export.json").text)
    assert {item["id"] for item in exported} == {1, 3}
    for page in ("/admin/orders/2/", "/admin/orders/2/edit", "/admin/orders/2/delete"):
        assert client.get(page).status_code == 404, page
    related = client.get("/admin/orders/1/").text
    assert "/admin/order_lines/1,2/" in related and "/admin/order_lines/1,1/" not in related
    line_form = client.get("/admin/order_lines/new").text
    assert re.search(r'<option value="3"', line_form) and not re.search(
        r'<option value="2"', line_form
    )
    assert run_action(client, "orders", "delete_selected", ["1", "2"]).status_code == 404
    assert list(orders_in(open_orders)) == [1, 2, 3]


def test_a_search_of_its_own_serves_the_list_its_count_and_its_export(open_orders):
    client = signed_in(open_orders)
    page = client.get("/admin/orders/").text
    assert 'name="q"' in page, "orders have no text column, but a search of their own"
    assert listed_orders(client.get("/admin/orders/?q=20").text) == {3}
    assert listed_orders(client.get("/admin/orders/?q=5").text) == {1, 3}
    count = client.get("/admin/orders/count?q=20", headers={"HX-Request": "true"}).text
    assert "1 order" in count
    exported = json.loads(client.get("/admin/orders/export.json?q=20").text)
    assert [item["id"] for item in exported] == [3]
    assert listed_orders(client.get("/admin/orders/?q=many").text) == set()


class OrdersWithCustomers(ModelAdmin):
    """Orders read with their customer's row joined (an outer join) and their lines."""

    def query(self, request):
        joined = sa.select(Order).outerjoin(Customer, Order.customer_id == Customer.id)
        return joined.options(selectinload(Order.lines))


def test_rows_of_a_query_with_an_outer_join_can_be_listed_edited_and_deleted(database_url):
    app = make_write_app(database_url, {Order: OrdersWithCustomers})
    seed(app)
    client = signed_in(app)
    with app.db_session() as session:
        session.add(Order(id=2, customer_id=1, total=Decimal(2), status=Status.new))
    assert listed_orders(client.get("/admin/orders/").text) == {1, 2}
    count = client.get("/admin/orders/count", headers={"HX-Request": "true"}).text
    assert "2 orders" in count
    assert len(json.loads(client.get("/admin/orders/export.json").text)) == 2
    data = {**form_of(client, "/admin/orders/1/edit"), "customer_id": "1", "total": "4"}
    response = client.post("/admin/orders/1/edit", data={**data, "status": "new"})
    assert response.status_code == 303
    url = "/admin/orders/2/delete"
    assert client.post(url, data=form_of(client, url)).status_code == 303
    with app.db_session() as session:
        assert session.scalars(sa.select(Order.total)).all() == [Decimal(4)]
    app.extensions["db"].dispose()
