"""Unique, foreign-key, check and not-null violations become messages, with nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Session
from write_models import Customer, Line, Order, seed

from dashkit.admin.edit.integrity import IntegrityRefusal
from dashkit.admin.edit.originals import snapshot
from dashkit.admin.edit.writes import create_row, delete_row, row_values, update_row
from dashkit.admin.rows import load_row


def count(session: Session, model: type) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def refused(write, *args, **kwargs) -> IntegrityRefusal:
    with pytest.raises(IntegrityRefusal) as caught:
        write(*args, **kwargs)
    return caught.value


def test_unique_violation_names_the_field(session: Session):
    seed(session)
    refusal = refused(create_row, session, Customer, {"name": "Alice"})
    assert refusal.field_errors == {"name": "Another row already has this value."}
    assert count(session, Customer) == 1
    create_row(session, Customer, {"name": "Carol"})  # the session is still usable
    session.commit()
    assert count(session, Customer) == 2


def test_composite_primary_key_duplicate_is_a_form_error(session: Session):
    order_id = seed(session).id
    refusal = refused(
        create_row, session, Line, {"order_id": order_id, "line_no": 1, "product": "x", "qty": 1}
    )
    assert refusal.form_errors == ["Another row already has the same order id, line no."]
    assert count(session, Line) == 2


def test_foreign_key_violation_on_insert_names_the_field(session: Session):
    seed(session)
    refusal = refused(create_row, session, Order, {"customer_id": 999, "total": Decimal(1)})
    assert refusal.field_errors == {
        "customer_id": "No such row to refer to; choose an existing one."
    }
    assert count(session, Order) == 1


def test_check_violation_names_the_rule(session: Session):
    order_id = seed(session).id
    refusal = refused(create_row, session, Order, {"customer_id": 1, "total": Decimal(-5)})
    assert refusal.field_errors == {"total": "Must satisfy the rule: total >= 0."}
    pk = (order_id, 1)
    originals = snapshot(row_values(load_row(session, Line, pk), ["qty"]))
    refusal = refused(update_row, session, Line, pk, {"qty": 0}, originals)
    assert refusal.field_errors == {"qty": "Must satisfy the rule: qty > 0."}
    session.rollback()
    assert session.get(Line, pk).qty == 2
    assert count(session, Order) == 1


def test_not_null_violation_names_the_field(session: Session):
    seed(session)
    refusal = refused(create_row, session, Customer, {"name": None, "email": "x@example.com"})
    assert refusal.field_errors == {"name": "This field is required."}
    assert count(session, Customer) == 1


def test_delete_of_a_referenced_row_is_explained(session: Session):
    seed(session)
    customer = session.scalars(sa.select(Customer)).one()
    refusal = refused(delete_row, session, Customer, (customer.id,))
    assert refusal.form_errors[0].startswith("Other rows")
    assert refusal.form_errors[0].endswith("still refer to this one; change or delete them first.")
    session.rollback()
    assert count(session, Customer) == 1


def test_an_unnamed_check_is_explained_by_its_rule(engine, session: Session):
    """Databases name unnamed checks themselves (PostgreSQL: stock_qty_check)."""
    metadata = sa.MetaData()
    sa.Table(
        "stock",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("qty", sa.Integer, sa.CheckConstraint("qty >= 0"), nullable=False),
    )
    metadata.create_all(engine)

    class Stock(DeclarativeBase):
        pass

    class Item(Stock):
        __table__ = metadata.tables["stock"]

    refusal = refused(create_row, session, Item, {"qty": -1})
    assert refusal.field_errors == {"qty": "Must satisfy the rule: qty >= 0."}
    assert count(session, Item) == 0


def test_a_value_the_column_cannot_hold_is_refused_not_a_crash(session: Session):
    """Past the form's own checks (a caller writing directly): too long for VARCHAR(50)."""
    seed(session)
    if session.get_bind().dialect.name == "sqlite":
        pytest.skip("SQLite stores any length in a VARCHAR")
    refusal = refused(create_row, session, Customer, {"name": "x" * 60})
    if session.get_bind().dialect.name == "mysql":  # MariaDB names the column
        assert refusal.field_errors == {"name": "Too long or too large for this column."}
    else:  # PostgreSQL does not
        assert refusal.form_errors == ["A value is too long or too large for its column."]
    assert count(session, Customer) == 1
