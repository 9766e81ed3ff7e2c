"""The data behind the write pages: fields per ModelAdmin options, cell editability, dependents."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from write_app import FAST_N, make_write_app, signed_in
from write_models import Customer, Order, seed

from dashkit.admin import ModelAdmin, OptionError
from dashkit.admin.edit.form_data import dependents, form_fields
from dashkit.admin.edit.forms import ChoiceField
from dashkit.auth import create_user
from dashkit.auth.passwords import PasswordHasher


@pytest.fixture
def app(tmp_path):
    return make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}")


@pytest.fixture
def request_of(app):
    """What form_fields reads of a request: the app and its data session."""
    with app.db_session() as session:
        yield SimpleNamespace(app=app, db=session)


def test_options_choose_fields_and_widgets(request_of):
    class OrderForm(ModelAdmin):
        slug = "order-form"
        exclude = ("attachment",)
        readonly_fields = ("ref",)
        widgets: ClassVar[dict[str, Any]] = {
            "note": "text",
            "status": ChoiceField(
                "status", choices=[("new", "new", "New"), ("paid", "paid", "Paid")]
            ),
        }

    request, options = request_of, OrderForm(Order)
    fields = {item.name: item for item in form_fields(request, options, creating=False)}
    assert "attachment" not in fields and "ref" not in fields and "id" not in fields
    assert fields["note"].widget == "text"
    assert fields["status"].coerce("paid") == "paid"
    assert (
        form_fields(request, options, creating=False)[0] is fields["customer_id"]
    )  # built once


def test_an_unusable_widget_choice_names_model_and_option(request_of):
    class Wrong(ModelAdmin):
        widgets: ClassVar[dict[str, Any]] = {"total": "textarea"}

    with pytest.raises(OptionError, match="Wrong for model Order: option widgets: 'total'"):
        form_fields(request_of, Wrong(Order), creating=True)


def test_dependents_are_counted_with_a_bound_and_named(app):
    with app.db_session() as session:
        alice = Customer(name="Alice")
        session.add(alice)
        session.flush()
        session.add_all([Order(customer_id=alice.id, total=1, note=f"n{n}") for n in range(7)])
    with app.db_session() as session:
        (group,) = dependents(session, ModelAdmin(Customer), session.get(Customer, 1))
    assert (group.table, group.count, group.more, len(group.samples)) == ("orders", 7, False, 5)


def _large(app, *tables: str) -> None:
    """Make relation fields to `tables` autocompletes, as for tables of many rows."""
    for table in tables:
        app.extensions["admin"].cache.put("table_size", table, (time.monotonic() + 3600, False))


def _statements(app) -> list[str]:
    seen: list[str] = []
    sa.event.listen(
        app.extensions["db"].engine,
        "before_cursor_execute",
        lambda connection, cursor, statement, *rest: seen.append(statement),
    )
    return seen


def test_the_chosen_label_is_read_with_the_row(app):
    with app.db_session() as session:
        seed(session)
    _large(app, "customers")
    client = signed_in(app)
    seen = _statements(app)
    html = client.get("/admin/orders/1/edit").get_data(as_text=True)
    assert '<span class="chosen-label" data-chosen-label>Alice (#1)</span>' in html
    reading = [statement for statement in seen if "customers" in statement]
    assert len(reading) == 1 and "FROM orders LEFT OUTER JOIN customers" in reading[0]
    with app.db_session() as session:  # a key whose row is gone is shown by itself
        session.execute(sa.text("PRAGMA foreign_keys=OFF"))
        session.execute(sa.update(Order).values(customer_id=99))
    html = client.get("/admin/orders/1/edit").get_data(as_text=True)
    assert 'value="99" class="key-input"' in html
    assert '<span class="chosen-label" data-chosen-label>#99</span>' in html
    assert client.get("/admin/orders/7/edit").status_code == 404


def test_a_restricted_target_or_a_scoped_row_keeps_its_own_queries(tmp_path):
    app = make_write_app(f"sqlite:///{tmp_path / 'shop.sqlite'}", ROLES={"clerk": ["orders.*"]})
    with app.db_session() as session:
        seed(session)
    _large(app, "customers")
    with app.state_session() as session:
        create_user(
            session, "clara", "clara's long secret", ["clerk"], hasher=PasswordHasher(n=FAST_N)
        )
    clerk = signed_in(app, "clara", "clara's long secret")
    html = clerk.get("/admin/orders/1/edit").get_data(as_text=True)
    assert "Alice" not in html and "data-chosen-label>#1</span>" in html
    admin = app.extensions["admin"]
    admin.model_admins["customers"].scope = lambda request, statement: statement.where(sa.false())
    html = signed_in(app).get("/admin/orders/1/edit").get_data(as_text=True)
    assert "Alice" not in html and "data-chosen-label>#1</span>" in html
    admin.model_admins["customers"].scope = lambda request, statement: statement
    admin.model_admins["orders"].scope = lambda request, statement: statement.where(Order.id > 1)
    assert signed_in(app).get("/admin/orders/1/edit").status_code == 404
