"""Create, update and delete on SQLite, PostgreSQL and MariaDB: one savepoint each, no lost updates."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage, MultiDict
from write_models import Customer, Line, Order, Product, Status, Tag, seed

from dashkit.admin.edit.forms import coerce_form, fields_for
from dashkit.admin.edit.integrity import IntegrityRefusal
from dashkit.admin.edit.originals import BadOriginals, read_originals, sign_originals, snapshot
from dashkit.admin.edit.writes import (
    ConflictError,
    create_row,
    delete_row,
    row_values,
    snapshot_keys,
    update_row,
)
from dashkit.admin.rows import RowNotFound, load_row

SECRET = "test-secret"


def originals_of(session: Session, model: type, pk: tuple, keys: list[str]) -> dict:
    """What an edit form would carry: a signed snapshot, read back as the view does."""
    obj = load_row(session, model, pk)
    keys = snapshot_keys(model, keys)
    token = sign_originals(SECRET, model.__tablename__, pk, snapshot(row_values(obj, keys)))
    session.rollback()
    return read_originals(SECRET, token, model.__tablename__, pk)


def test_every_widget_round_trips_through_the_database(session: Session):
    alice = Customer(name="Alice")
    session.add_all([alice, Tag(id=1, name="gift"), Tag(id=2, name="rush")])
    session.commit()
    fields = fields_for(Order)
    form = MultiDict(
        [
            ("customer_id", str(alice.id)),
            ("total", "1234567.89"),
            ("status", "paid"),
            ("note", "line one\r\nline two"),
            ("placed_at", "2024-05-01T10:30+02:00"),
            ("paid", ""),
            ("data", '{"gift": true, "n": [1, 2]}'),
            ("ref", "12345678-1234-5678-1234-567812345678"),
            ("tags", "2"),
            ("tags", "1"),
        ]
    )
    files = MultiDict({"attachment": FileStorage(io.BytesIO(b"\x00\xffPDF"), filename="a.pdf")})
    result = coerce_form(fields, form, files, creating=True)
    assert result.ok, result.errors
    created = create_row(session, Order, result.values)
    session.commit()
    session.expunge_all()
    order = session.get(Order, created.pk)
    assert order.total == Decimal("1234567.89")
    assert order.status is Status.paid
    assert order.note == "line one\nline two"
    placed = order.placed_at if order.placed_at.tzinfo else order.placed_at.replace(tzinfo=UTC)
    assert placed == datetime(2024, 5, 1, 8, 30, tzinfo=UTC)
    assert order.paid is None
    assert order.data == {"gift": True, "n": [1, 2]}
    assert order.ref == uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert order.attachment == b"\x00\xffPDF"
    assert sorted(tag.id for tag in order.tags) == [1, 2]
    by_name = {field.name: field for field in fields}
    assert by_name["placed_at"].format(order.placed_at) == "2024-05-01T08:30:00"


def test_update_writes_only_changed_fields_and_reports_them(session: Session):
    order = seed(session)
    pk = (order.id,)
    keys = ["note", "total", "attachment"]
    originals = originals_of(session, Order, pk, keys)
    result = update_row(
        session, Order, pk, {"note": "second", "total": Decimal("10.50")}, originals
    )
    session.commit()
    assert result.changes == {"note": ("first", "second")}
    session.expunge_all()
    assert session.get(Order, pk).note == "second"


def test_edit_of_an_outdated_row_is_a_conflict_and_writes_nothing(session: Session, engine):
    order = seed(session)
    pk = (order.id,)
    originals = originals_of(session, Order, pk, ["note", "total"])
    with Session(engine) as colleague:
        colleague.get(Order, pk).note = "colleague's note"
        colleague.commit()
    with pytest.raises(ConflictError) as caught:
        update_row(session, Order, pk, {"note": "mine", "total": Decimal(99)}, originals)
    assert caught.value.fields == ["note"]
    assert caught.value.current["note"] == "colleague's note"
    assert caught.value.submitted["note"] == "mine"
    session.rollback()
    session.expunge_all()
    stored = session.get(Order, pk)
    assert (stored.note, stored.total) == ("colleague's note", Decimal("10.50"))


def test_version_column_detects_conflicts(session: Session, engine):
    product = Product(name="tea", price=Decimal("3.00"))
    session.add(product)
    session.commit()
    pk = (product.id,)
    originals = originals_of(session, Product, pk, ["name", "price"])
    assert originals["version"] == 1
    with Session(engine) as colleague:
        colleague.get(Product, pk).price = Decimal("4.00")
        colleague.commit()
    with pytest.raises(ConflictError) as caught:
        update_row(session, Product, pk, {"name": "green tea"}, originals)
    assert set(caught.value.fields) == {"price", "version"}
    session.rollback()
    fresh = originals_of(session, Product, pk, ["name", "price"])
    update_row(session, Product, pk, {"name": "green tea"}, fresh)
    session.commit()
    session.expunge_all()
    stored = session.get(Product, pk)
    assert (stored.name, stored.price, stored.version) == ("green tea", Decimal("4.00"), 3)


def test_an_edit_of_a_deleted_row_is_a_conflict(session: Session, engine):
    order = seed(session)
    pk = (order.id,)
    originals = originals_of(session, Order, pk, ["note"])
    with Session(engine) as colleague:
        colleague.execute(sa.delete(Line))
        colleague.execute(sa.delete(Order))
        colleague.commit()
    with pytest.raises(ConflictError) as caught:
        update_row(session, Order, pk, {"note": "mine"}, originals)
    assert caught.value.current is None
    assert "deleted" in str(caught.value)


def test_binary_is_kept_unless_replaced_or_cleared(session: Session):
    order = seed(session)
    pk = (order.id,)
    fields = fields_for(Order, only=["note", "attachment"])
    originals = originals_of(session, Order, pk, ["note", "attachment"])
    upload = MultiDict({"attachment": FileStorage(io.BytesIO(b"v1"), filename="v1.bin")})
    result = coerce_form(fields, MultiDict({"note": "first"}), upload)
    update_row(session, Order, pk, result.values, originals)
    session.commit()
    originals = originals_of(session, Order, pk, ["note", "attachment"])
    kept = coerce_form(fields, MultiDict({"note": "changed"}), MultiDict())
    assert "attachment" not in kept.values
    update_row(session, Order, pk, kept.values, originals)
    session.commit()
    session.expunge_all()
    assert session.get(Order, pk).attachment == b"v1"
    originals = originals_of(session, Order, pk, ["note", "attachment"])
    cleared = coerce_form(
        fields, MultiDict({"note": "changed", "attachment__clear": "1"}), MultiDict()
    )
    update_row(session, Order, pk, cleared.values, originals)
    session.commit()
    session.expunge_all()
    assert session.get(Order, pk).attachment is None


def test_many_to_many_update_and_unknown_target(session: Session):
    order = seed(session)
    session.add_all([Tag(id=1, name="gift"), Tag(id=2, name="rush")])
    session.commit()
    pk = (order.id,)
    originals = originals_of(session, Order, pk, ["tags"])
    result = update_row(session, Order, pk, {"tags": [2]}, originals)
    session.commit()
    assert result.changes == {"tags": ([], [2])}
    originals = originals_of(session, Order, pk, ["tags"])
    with pytest.raises(IntegrityRefusal) as caught:
        update_row(session, Order, pk, {"tags": [1, 9]}, originals)
    assert caught.value.field_errors == {"tags": "No such row to refer to: 9."}
    session.rollback()
    session.expunge_all()
    assert [tag.id for tag in session.get(Order, pk).tags] == [2]


def test_composite_primary_keys(session: Session):
    order_id = seed(session).id
    pk = (order_id, 2)
    originals = originals_of(session, Line, pk, ["product", "qty"])
    update_row(session, Line, pk, {"qty": 5}, originals)
    session.commit()
    session.expunge_all()
    assert session.get(Line, pk).qty == 5
    assert session.get(Line, (order_id, 1)).qty == 2
    originals = originals_of(session, Line, pk, ["product", "qty"])
    delete_row(session, Line, pk, originals)
    session.commit()
    assert session.get(Line, pk) is None
    with pytest.raises(RowNotFound):
        load_row(session, Line, pk)
    created = create_row(
        session, Line, {"order_id": order_id, "line_no": 7, "product": "jam", "qty": 1}
    )
    assert created.pk == (order_id, 7)


def test_delete_conflict_when_the_row_changed(session: Session, engine):
    customer = Customer(name="Bob")
    session.add(customer)
    session.commit()
    pk = (customer.id,)
    originals = originals_of(session, Customer, pk, ["name", "email"])
    with Session(engine) as colleague:
        colleague.get(Customer, pk).email = "bob@example.com"
        colleague.commit()
    with pytest.raises(ConflictError):
        delete_row(session, Customer, pk, originals)
    session.rollback()
    assert session.get(Customer, pk) is not None


def test_scope_limits_what_can_be_written(session: Session):
    order = seed(session)
    hidden = sa.select(Order).where(Order.total > 100)
    with pytest.raises(RowNotFound):
        load_row(session, Order, (order.id,), rows=hidden)
    with pytest.raises(ConflictError):
        update_row(session, Order, (order.id,), {"note": "x"}, {"note": "first"}, rows=hidden)
    with pytest.raises(ConflictError):
        delete_row(session, Order, (order.id,), {"note": "first"}, rows=hidden)
    session.rollback()
    assert session.get(Order, order.id).note == "first"


def test_a_scope_narrows_its_own_load_only(session: Session):
    order = seed(session)
    hidden = sa.select(Order).where(Order.total > 100)
    for _ in range(2):
        with pytest.raises(RowNotFound):
            load_row(session, Order, (order.id,), rows=hidden)
        assert load_row(session, Order, (order.id,)) is order
        assert load_row(session, Order, (order.id,), rows=sa.select(Order)) is order
    with pytest.raises(RowNotFound):
        load_row(session, Order, (order.id + 1,))
    with pytest.raises(RowNotFound):
        load_row(session, Order, (order.id, 1))


def test_signed_originals_reject_tampering_and_other_rows():
    token = sign_originals(SECRET, "orders", (1,), {"note": "a"})
    assert read_originals(SECRET, token, "orders", (1,)) == {"note": "a"}
    with pytest.raises(BadOriginals):
        read_originals(SECRET, token, "orders", (2,))
    with pytest.raises(BadOriginals):
        read_originals("other-secret", token, "orders", (1,))
    body, _, signature = token.rpartition(".")
    with pytest.raises(BadOriginals):
        read_originals(SECRET, body[:-2] + "xx." + signature, "orders", (1,))
    with pytest.raises(BadOriginals):
        read_originals(SECRET, None, "orders", (1,))


def test_placed_at_interpreted_in_the_app_timezone():
    field = next(
        f
        for f in fields_for(Order, timezone=timezone(timedelta(hours=-5)))
        if f.name == "placed_at"
    )
    assert field.coerce("2024-01-01T00:00").astimezone(UTC).hour == 5


def test_json_null_documents_do_not_look_like_conflicts(session: Session):
    order = seed(session)
    pk = (order.id,)
    originals = originals_of(session, Order, pk, ["note", "data"])
    update_row(session, Order, pk, {"data": None, "note": "stored JSON null"}, originals)
    session.commit()
    originals = originals_of(session, Order, pk, ["note", "data"])
    update_row(session, Order, pk, {"note": "again"}, originals)
    session.execute(sa.delete(Line))
    session.commit()
    delete_row(session, Order, pk, originals_of(session, Order, pk, ["note", "data"]))
    session.commit()
    assert session.get(Order, pk) is None


def test_a_type_decorator_keeps_its_own_datetime_conversion(session: Session):
    """dashkit's UtcDateTime wants aware values: storable() must not strip the offset."""
    from dashkit.state import User

    created = create_row(
        session, User, {"username": "ada", "created_at": datetime(2024, 1, 1, tzinfo=UTC)}
    )
    session.commit()
    session.expunge_all()
    assert session.get(User, created.pk).created_at == datetime(2024, 1, 1, tzinfo=UTC)
