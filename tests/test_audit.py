"""Audit events: who, when, which row, and the before/after values of what changed."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).parent / "admin"))
from write_models import Customer, database, seed

from dashkit.admin.edit.originals import snapshot
from dashkit.admin.edit.writes import create_row, delete_row, row_values, update_row
from dashkit.admin.rows import load_row
from dashkit.audit import history, json_value, record
from dashkit.state import AuditEvent


@pytest.fixture
def session(database_url: str) -> Iterator[Session]:
    with database(database_url) as engine, Session(engine, expire_on_commit=False) as session:
        yield session


def test_json_value_keeps_the_trail_readable_and_small():
    assert json_value(Decimal("1.10")) == "1.10"
    assert json_value(date(2024, 1, 2)) == "2024-01-02"
    assert json_value(b"abc") == {
        "bytes": 3,
        "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    }
    assert json_value({"a": [Decimal(2)]}) == {"a": ["2"]}


def test_create_update_delete_are_recorded_with_before_and_after(session: Session):
    user = SimpleNamespace(id=7, username="ada")
    seed(session)
    created = create_row(session, Customer, {"name": "Bob", "email": None})
    record(session, "create", "customers", str(created.pk[0]), created.changes, user=user)
    session.commit()
    pk = created.pk
    originals = snapshot(row_values(load_row(session, Customer, pk), ["name", "email"]))
    updated = update_row(
        session, Customer, pk, {"name": "Bob", "email": "bob@example.com"}, originals
    )
    record(session, "update", "customers", str(pk[0]), updated.changes, user=user)
    session.commit()
    deleted = delete_row(session, Customer, pk)
    record(session, "delete", "customers", str(pk[0]), deleted.changes, user=user)
    session.commit()
    events = history(session, "customers", str(pk[0]))
    assert [event.action for event in events] == ["delete", "update", "create"]
    assert events[2].changes == {
        "name": {"before": None, "after": "Bob"},
        "email": {"before": None, "after": None},
    }
    assert events[1].changes == {"email": {"before": None, "after": "bob@example.com"}}
    assert events[0].changes["name"] == {"before": "Bob", "after": None}
    assert all(event.username == "ada" and event.user_id == 7 for event in events)
    assert events[0].occurred_at.tzinfo is not None


def test_an_event_rolls_back_with_its_write(session: Session):
    order = seed(session)
    record(session, "update", "orders", str(order.id), {"note": ("first", "x")})
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_record_through_a_request_uses_state_db_and_user(session: Session):
    request = SimpleNamespace(
        state_db=session, user=SimpleNamespace(id=1, username="root"), remote_addr="127.0.0.1"
    )
    event = record(request, "update", "orders", "1", {"total": (Decimal("1.00"), Decimal("2.00"))})
    session.flush()
    assert (event.username, event.client_address) == ("root", "127.0.0.1")
    assert event.changes == {"total": {"before": "1.00", "after": "2.00"}}
    assert history(session, "orders", "1") == [event]
