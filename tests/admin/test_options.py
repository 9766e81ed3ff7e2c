"""ModelAdmin options: defaults from the mapping, and errors at registration naming model and option."""

from __future__ import annotations

from typing import ClassVar

import pytest
from list_models import Customer, Order

from dashkit.admin.actions import action
from dashkit.admin.errors import OptionError
from dashkit.admin.options import ModelAdmin


def test_defaults_come_from_the_mapping():
    admin = ModelAdmin(Order)
    assert admin.slug == "list_orders" and admin.label == "order" and admin.label_plural == "orders"
    assert [f.name for f in admin.list_fields][:3] == ["id", "customer_id", "reference"]
    assert "note" not in admin.fields, "the list shows the first eight columns by default"
    assert set(admin.filters) == {"customer_id", "placed_on", "placed_at", "paid"}
    assert (
        admin.filters["customer_id"].kind == "relation"
        and admin.filters["customer_id"].target is Customer
    )
    assert admin.default_ordering == [("id", False)]
    assert list(admin.bulk_actions) == ["delete_selected"]
    assert admin.permission("export") == "list_orders.export"


def test_declared_options_resolve():
    class OrderAdmin(ModelAdmin):
        slug = "Shop Orders!"
        list_display = ("reference", "customer.name", "shouting")
        ordering = ("-placed_on",)
        actions = ("mark_paid",)
        permissions: ClassVar = {"mark_paid": "billing.pay"}

        def shouting(self, order):
            return order.reference.upper()

        @action("Mark paid", permission="mark_paid")
        def mark_paid(self, request, rows):
            return None

    admin = OrderAdmin(Order)
    assert admin.slug == "shop-orders"
    assert admin.fields["customer.name"].sortable and not admin.fields["shouting"].sortable
    assert admin.default_ordering == [("placed_on", True)]
    assert admin.bulk_actions["mark_paid"].label == "Mark paid"
    assert admin.permission("mark_paid") == "billing.pay"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"list_display": ("nmae",)},
            "option list_display: unknown field 'nmae'; did you mean name?",
        ),
        ({"list_display": "name"}, "option list_display: must be a non-empty list"),
        ({"search_fields": ("active",)}, "option search_fields: 'active' is a boolean column"),
        ({"list_filter": ("orders",)}, "option list_filter: unknown field 'orders'"),
        ({"ordering": ("-bogus",)}, "option ordering: unknown field 'bogus'"),
        ({"page_size": 0}, "option page_size: must be an integer from 1 to 1000"),
        (
            {"actions": ("explode",)},
            "option actions: 'explode' is not a method marked with @action",
        ),
        ({"inlines": ("tier",)}, "option inlines: 'tier' is not a one-to-many relationship"),
        ({"readonly_fields": ("nope",)}, "option readonly_fields: unknown field 'nope'"),
        ({"permissions": {"fly": "x.fly"}}, "option permissions: unknown verb 'fly'"),
        (
            {"list_select_related": ("orders.shop",)},
            "option list_select_related: 'orders.shop': Order has no relationship 'shop'",
        ),
        (
            {"list_dispaly": ("name",)},
            "option list_dispaly: is not a ModelAdmin option; did you mean list_display?",
        ),
        ({"read_only": True, "actions": ("delete_selected",)}, "delete_selected is not available"),
        (
            {"on_save": lambda self, obj: None},
            "option on_save: must be a method taking (request, obj, is_new)",
        ),
        ({"query": None}, "option query: must be a method taking (request)"),
        (
            {"save_model": lambda self, request, obj, form, change: None},
            "option save_model: is not called by dashkit; override on_save() instead",
        ),
        (
            {"after_model_delete": lambda self, model, request: None},
            "option after_model_delete: is not called by dashkit; override after_delete() instead",
        ),
    ],
)
def test_bad_options_fail_at_registration_naming_model_and_option(options: dict, message: str):
    admin_class = type("CustomerAdmin", (ModelAdmin,), options)
    with pytest.raises(OptionError) as raised:
        admin_class(Customer)
    assert str(raised.value).startswith("CustomerAdmin for model Customer: ")
    assert message in str(raised.value)


def test_hooks_may_take_their_arguments_any_way_python_allows():
    class CustomerAdmin(ModelAdmin):
        def on_save(self, request, *args):
            pass

        def after_delete(self, request, obj, audit=True):
            pass

    model_admin = CustomerAdmin(Customer)
    assert model_admin.overrides("on_save") and not model_admin.overrides("on_delete")


def test_a_search_of_its_own_offers_a_search_box_without_text_columns():
    class NumberedAdmin(ModelAdmin):
        search_fields = ()

        def search(self, request, statement, term):
            return statement.where(Customer.id == int(term))

    assert not ModelAdmin(Customer).overrides("search")
    assert ModelAdmin(Customer).searchable and NumberedAdmin(Customer).searchable
    assert not type("Plain", (ModelAdmin,), {"search_fields": ()})(Customer).searchable


def test_a_class_that_is_not_mapped_is_refused():
    with pytest.raises(OptionError, match="not a mapped SQLAlchemy class"):
        ModelAdmin(dict)
