"""Options of relation fields: a bounded size check, the chosen rows, search that never reads
the whole table and treats % and _ literally, on every dialect."""

from __future__ import annotations

import time

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from write_models import Customer, Order, Tag

from dashkit.admin.cache import AdminCache
from dashkit.admin.edit.forms import ForeignKeyField, Targets, fields_for, search_targets
from dashkit.admin.edit.forms.choices import (
    SEARCH_LIMIT,
    chosen_options,
    field_options,
    is_small,
    joins_label,
)


def verdict(table: str, *, small: bool) -> AdminCache:
    """An Admin's cache holding a size verdict on `table` that will not expire in a test."""
    cache = AdminCache()
    cache.put("table_size", table, (time.monotonic() + 3600, small))
    return cache


def customer_field():
    return next(field for field in fields_for(Order) if field.name == "customer_id")


def test_search_matches_text_and_keys_literally(session: Session):
    session.add_all([Customer(name=name) for name in ("100% cotton", "1000 nights", "a_b", "ab")])
    session.add_all([Customer(name=f"filler {n}") for n in range(30)])
    session.commit()
    targets = Targets(session)
    field = customer_field()
    labels = lambda term: [label for _, label in search_targets(targets, field, term)]
    assert labels("100%") == ["100% cotton (#1)"]
    assert labels("a_b") == ["a_b (#3)"]
    assert "ab (#4)" in labels("4")  # the key 4, beside names containing a 4
    assert len(labels("")) == SEARCH_LIMIT


def test_widget_is_a_select_for_small_tables_and_autocomplete_for_large(session: Session):
    session.add(Customer(name="Alice"))
    session.commit()
    field = customer_field()
    cache = AdminCache()
    widget, options = field_options(Targets(session, cache), field, 1)
    assert (widget, options) == ("select", [("1", "Alice (#1)")])
    session.add_all([Customer(name=f"c{n}") for n in range(220)])
    session.commit()
    assert is_small(Targets(session, cache), field)  # remembered for a minute
    widget, options = field_options(Targets(session), field, 1)
    assert (widget, options) == ("autocomplete", [("1", "Alice (#1)")])


def test_a_restriction_hides_rows_but_keeps_the_chosen_key(session: Session):
    session.add_all([Customer(name="Alice"), Customer(name="Bob")])
    session.commit()
    nothing = Targets(session, restrict=lambda target, statement: statement.where(sa.false()))
    widget, options = field_options(nothing, customer_field(), 2)
    assert (widget, options) == ("select", [("2", "#2")])
    assert search_targets(nothing, customer_field(), "Bob") == []


def test_chosen_rows_are_named_like_their_select_options(session: Session):
    session.add_all([Customer(name="Alice"), Customer(name="Bob"), Customer(name="")])
    session.add_all([Tag(name="red"), Tag(name="blue")])
    session.commit()
    targets = Targets(session, restrict=lambda target, statement: statement)
    customer = customer_field()
    tags = next(field for field in fields_for(Order) if field.name == "tags")
    assert chosen_options(targets, customer, [2]) == [("2", "Bob (#2)")]
    assert chosen_options(targets, customer, [3, 1, 99]) == [
        ("3", "#3"),
        ("1", "Alice (#1)"),
        ("99", "#99"),
    ]
    assert chosen_options(targets, tags, [2, 1]) == [("2", "blue (#2)"), ("1", "red (#1)")]
    assert chosen_options(targets, tags, [None]) == []


class Named(DeclarativeBase):
    pass


class Shelf(Named):
    __tablename__ = "shelves"
    id: Mapped[int] = mapped_column(primary_key=True)
    room: Mapped[str] = mapped_column(sa.String(20))
    position: Mapped[int]

    def __str__(self) -> str:
        return f"{self.room} shelf {self.position}"


def test_a_row_that_names_itself_is_chosen_by_its_own_name(session: Session):
    Named.metadata.create_all(session.get_bind())
    try:
        session.add(Shelf(room="attic", position=3))
        session.commit()
        field = ForeignKeyField("shelf_id", key=fields_for(Shelf)[0], target=Shelf, target_key="id")
        assert chosen_options(Targets(session), field, [1, 2]) == [
            ("1", "attic shelf 3"),
            ("2", "#2"),
        ]
    finally:
        session.rollback()
        Named.metadata.drop_all(session.get_bind())


def test_only_a_foreign_key_column_of_the_row_has_its_label_joined(session: Session):
    targets = Targets(session, verdict("customers", small=False))
    field = customer_field()
    assert joins_label(targets, Order, field)
    renamed = ForeignKeyField("tags", key=field.key, target=Customer, target_key="id")
    assert not joins_label(targets, Order, renamed)  # a relationship, not a column
    assert not joins_label(
        Targets(session, verdict("customers", small=True)), Order, field
    )
