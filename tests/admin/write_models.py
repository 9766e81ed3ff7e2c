"""Models shared by the admin write tests (forms, writes, integrity, views, audit)."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from dashkit.state import StateBase


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        }
    )


class Status(enum.Enum):
    new = "new"
    paid = "paid"
    shipped = "shipped"


order_tags = sa.Table(
    "order_tags",
    Base.metadata,
    sa.Column("order_id", sa.ForeignKey("orders.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id"), primary_key=True),
)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)
    email: Mapped[str | None] = mapped_column(sa.String(100))


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(30))


class Order(Base):
    """No version column: conflicts are caught by the originals in the WHERE clause."""

    __tablename__ = "orders"
    __table_args__ = (sa.CheckConstraint("total >= 0", name="total_positive"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(sa.ForeignKey("customers.id"))
    total: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    status: Mapped[Status] = mapped_column(sa.Enum(Status), default=Status.new)
    note: Mapped[str | None] = mapped_column(sa.Text)
    placed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    paid: Mapped[bool | None]
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    ref: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, unique=True)
    attachment: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    tags: Mapped[list[Tag]] = relationship(secondary=order_tags)
    lines: Mapped[list[Line]] = relationship(back_populates="order")


class Line(Base):
    """A composite primary key, and a check on one column."""

    __tablename__ = "order_lines"
    __table_args__ = (sa.CheckConstraint("qty > 0", name="qty_positive"),)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    product: Mapped[str] = mapped_column(sa.String(40))
    qty: Mapped[int]
    order: Mapped[Order] = relationship(back_populates="lines")


class Product(Base):
    """A version column: conflicts are caught by the counter."""

    __tablename__ = "products"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(sa.String(40))
    price: Mapped[Decimal] = mapped_column(sa.Numeric(8, 2))
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


def make_engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":

        @sa.event.listens_for(engine, "connect")
        def _enforce_foreign_keys(connection, _record) -> None:
            connection.execute("PRAGMA foreign_keys=ON")

    return engine


@contextmanager
def database(url: str) -> Iterator[sa.Engine]:
    """An engine on `url` with the models' tables and dashkit's state tables created."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    StateBase.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def seed(session: Session) -> Order:
    """One customer with one order of two lines, committed."""
    alice = Customer(name="Alice", email="alice@example.com")
    session.add(alice)
    session.flush()
    order = Order(customer_id=alice.id, total=Decimal("10.50"), note="first", status=Status.new)
    session.add(order)
    session.flush()
    session.add_all(
        [
            Line(order_id=order.id, line_no=1, product="tea", qty=2),
            Line(order_id=order.id, line_no=2, product="cake", qty=1),
        ]
    )
    session.commit()
    return order
