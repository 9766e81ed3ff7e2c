"""The data behind the write pages: fields per ModelAdmin options, cell editability, dependents."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, ClassVar

import pytest
from write_app import make_write_app
from write_models import Customer, Order

from dashkit.admin import ModelAdmin, OptionError
from dashkit.admin.form_data import dependents, form_fields
from dashkit.admin.forms import ChoiceField


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

    request = request_of
    fields = {item.name: item for item in form_fields(request, OrderForm(Order), creating=False)}
    assert "attachment" not in fields and "ref" not in fields and "id" not in fields
    assert fields["note"].widget == "text"
    assert fields["status"].coerce("paid") == "paid"
    assert (
        form_fields(request, OrderForm(Order), creating=False)[0] is fields["customer_id"]
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
