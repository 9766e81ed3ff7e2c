"""Fields derived from a mapped class: one per editable column, the right kind for its type."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from dashkit.admin.edit.forms import (
    BinaryField,
    BooleanField,
    ChoiceField,
    DateTimeField,
    DecimalField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    JsonField,
    ManyToManyField,
    StringField,
    TextField,
    UuidField,
    fields_for,
    scalar_field,
)


class Base(DeclarativeBase):
    pass


class Status(enum.Enum):
    new = "new"
    paid = "paid"


tags = sa.Table(
    "item_tags",
    Base.metadata,
    sa.Column("item_id", sa.ForeignKey("items.id"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tags.id"), primary_key=True),
)


class Owner(Base):
    __tablename__ = "owners"
    id: Mapped[int] = mapped_column(primary_key=True)


class Tag(Base):
    __tablename__ = "tags"
    id: Mapped[int] = mapped_column(primary_key=True)


class Item(Base):
    __tablename__ = "items"
    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(sa.String(40))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    qty: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    ratio: Mapped[float | None]
    price: Mapped[sa.Numeric] = mapped_column(sa.Numeric(8, 2))
    active: Mapped[bool | None]
    status: Mapped[Status] = mapped_column(sa.Enum(Status))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    data: Mapped[dict | None] = mapped_column(sa.JSON)
    token: Mapped[sa.Uuid | None] = mapped_column(sa.Uuid)
    photo: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"))
    total: Mapped[int | None] = mapped_column(sa.Computed("qty * 2"))
    tags: Mapped[list[Tag]] = relationship(secondary=tags)
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}


def test_each_column_type_gets_its_field():
    fields = {field.name: field for field in fields_for(Item)}
    assert list(fields) == [
        "name",
        "notes",
        "qty",
        "ratio",
        "price",
        "active",
        "status",
        "at",
        "data",
        "token",
        "photo",
        "owner_id",
        "tags",
    ]
    kinds = {name: type(field) for name, field in fields.items()}
    assert kinds == {
        "name": StringField,
        "notes": TextField,
        "qty": IntegerField,
        "ratio": FloatField,
        "price": DecimalField,
        "active": BooleanField,
        "status": ChoiceField,
        "at": DateTimeField,
        "data": JsonField,
        "token": UuidField,
        "photo": BinaryField,
        "owner_id": ForeignKeyField,
        "tags": ManyToManyField,
    }
    assert fields["name"].max_length == 40 and fields["name"].required
    assert not fields["qty"].required  # server default
    assert fields["qty"].maximum == 32767
    assert (fields["price"].precision, fields["price"].scale) == (8, 2)
    assert fields["active"].widget == "tristate"
    assert fields["at"].aware
    assert fields["status"].coerce("paid") is Status.paid
    owner = fields["owner_id"]
    assert owner.target is Owner and owner.target_key == "id" and owner.label == "Owner"
    assert fields["tags"].target is Tag
    assert fields["tags"].coerce(["2", "2", "3"]) == [2, 3]


def test_only_and_exclude_choose_and_order_fields():
    assert [f.name for f in fields_for(Item, only=["price", "name", "nope"])] == ["price", "name"]
    assert "photo" not in [f.name for f in fields_for(Item, exclude=["photo"])]


def test_stored_values_of_sample_databases_survive_an_unchanged_save(chinook_path, northwind_path):
    """format() then coerce() gives back every stored value: saving a form untouched writes nothing."""
    from sqlalchemy.orm import Session

    from dashkit.admin.edit.forms import UNSET, BinaryField
    from dashkit.reflect import reflect

    for path in (chinook_path, northwind_path):
        engine = sa.create_engine(f"sqlite:///{path}")
        checked = 0
        with Session(engine) as session:
            for table in reflect(engine).tables:
                fields = [
                    f
                    for f in fields_for(table.model)
                    if not isinstance(f, (ManyToManyField, BinaryField))
                ]
                for row in session.scalars(sa.select(table.model).limit(25)):
                    for field in fields:
                        stored = getattr(row, field.name)
                        back = field.coerce(field.format(stored))
                        assert back is UNSET or back == stored, (
                            table.table.name,
                            field.name,
                            stored,
                            back,
                        )
                        checked += 1
        engine.dispose()
        assert checked > 1000


def test_integer_ranges_follow_the_column_and_the_database():
    from sqlalchemy.dialects import mysql

    table = sa.Table(
        "counters",
        sa.MetaData(),
        sa.Column("plain", sa.Integer),
        sa.Column("tiny", mysql.TINYINT(unsigned=True)),
        sa.Column("hits", mysql.INTEGER(unsigned=True)),
    )
    plain, tiny, hits = (scalar_field(column, name=column.name) for column in table.columns)
    assert (plain.minimum, plain.maximum) == (-(2**31), 2**31 - 1)
    assert (tiny.minimum, tiny.maximum) == (0, 255)
    assert hits.maximum == 2**32 - 1
    on_sqlite = scalar_field(table.c.plain, name="plain", dialect="sqlite")
    assert on_sqlite.maximum == 2**63 - 1  # SQLite keeps every integer in 64 bits
