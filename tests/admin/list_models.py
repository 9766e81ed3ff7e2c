"""Models and seed data shared by the admin list tests (registry, query, views, browser)."""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


class ListBase(DeclarativeBase):
    pass


class Tier(enum.Enum):
    bronze = "bronze"
    silver = "silver"
    gold = "gold"


class Customer(ListBase):
    __tablename__ = "list_customers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(120))
    team: Mapped[str] = mapped_column(sa.String(20), default="red")
    active: Mapped[bool] = mapped_column(default=True)
    tier: Mapped[Tier] = mapped_column(sa.Enum(Tier), default=Tier.bronze)
    orders: Mapped[list[Order]] = relationship(back_populates="customer")


class Order(ListBase):
    __tablename__ = "list_orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("list_customers.id"), index=True)
    customer: Mapped[Customer | None] = relationship(back_populates="orders")
    reference: Mapped[str] = mapped_column(sa.String(40))
    total: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    weight: Mapped[float | None] = mapped_column(sa.Float)
    quantity: Mapped[int | None]
    placed_on: Mapped[date]
    placed_at: Mapped[datetime | None]
    paid: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(sa.Text)


class Price(ListBase):
    """A composite primary key, one part of it text that may hold commas and slashes."""

    __tablename__ = "list_prices"
    region: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))


NAMES = [
    "Ada Lovelace",
    "Grace Hopper",
    "Jürgen Müller",
    "Zoë O'Brien",
    "100% Cotton Ltd",
    "under_score Inc",
    "Anna Smith",
    "Bob Smith",
    "Émile Zola",
    "北京 Trading",
    "Carol King",
    "Dan Brown",
]


def seed(session: Session, orders: int = 60) -> None:
    """Twelve customers (odd names included) and `orders` orders with every kind of value."""
    tiers = list(Tier)
    customers = [
        Customer(
            id=index + 1,
            name=name,
            email=None if index % 4 == 0 else f"c{index}@example.com",
            team="red" if index % 2 == 0 else "blue",
            active=index % 3 != 0,
            tier=tiers[index % 3],
        )
        for index, name in enumerate(NAMES)
    ]
    session.add_all(customers)
    session.flush()
    base_day = date(2024, 1, 1)
    for number in range(1, orders + 1):
        session.add(
            Order(
                id=number,
                customer_id=None if number % 11 == 0 else (number % len(NAMES)) + 1,
                reference=f"R-{number % 7:02d}-{number}",
                total=Decimal(number * 37 % 500) + Decimal("0.25"),
                weight=None if number % 5 == 0 else (number % 9) * 1.5,
                quantity=None if number % 6 == 0 else number % 4,
                placed_on=base_day + timedelta(days=number % 20),
                placed_at=None
                if number % 8 == 0
                else datetime(2024, 2, 1, 8) + timedelta(hours=number * 5),
                paid=number % 2 == 0,
                note=None if number % 3 else f"note {number}",
            )
        )
    session.flush()


def seeded_engine(url: str) -> sa.Engine:
    """An engine on `url`, whose list tables are created and seeded."""
    engine = sa.create_engine(url)
    ListBase.metadata.create_all(engine)
    with Session(engine) as session:
        seed(session)
        session.commit()
    return engine


@pytest.fixture
def list_engine(database_url: str) -> Iterator[sa.Engine]:
    """The list models' tables on a fresh database of each dialect, seeded."""
    engine = seeded_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def list_session(list_engine: sa.Engine) -> Iterator[Session]:
    with Session(list_engine) as session:
        yield session
