"""What the admin needs to know about a mapped class: columns by kind, keys, relations."""

from __future__ import annotations

import datetime
import decimal
import enum
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, RelationshipDirection
from sqlalchemy.orm.exc import UnmappedClassError

from dashkit.admin.errors import OptionError

TEXT_KINDS = ("string", "text")
RANGE_KINDS = ("integer", "number", "date", "datetime", "time")


@dataclass(frozen=True)
class ColumnInfo:
    """One mapped column attribute, classified by the kind of value it holds."""

    name: str
    attribute: Any
    """The instrumented attribute (`Model.name`), usable in SQL expressions."""
    kind: str
    """boolean, integer, number, string, text, date, datetime, time, enum, uuid, json, binary or other."""
    nullable: bool
    primary_key: bool
    choices: tuple[Any, ...] = ()
    relation: str | None = None
    """The many-to-one relationship this column is the local side of, if any."""

    def python_value(self, text: str) -> Any:
        """Turn text from a URL or form into a value of this column's type; ValueError if it cannot."""
        return parse_value(self, text)


@dataclass(frozen=True)
class RelationInfo:
    """A relationship of the mapped class."""

    name: str
    target: type
    direction: str
    """many_to_one, one_to_many or many_to_many."""
    local_columns: tuple[str, ...]
    remote_columns: tuple[str, ...]


@dataclass
class ModelInfo:
    """The mapping of one class as the admin sees it."""

    model: type
    table_name: str
    columns: dict[str, ColumnInfo]
    primary_key: tuple[str, ...]
    relations: dict[str, RelationInfo] = field(default_factory=dict)

    def column(self, name: str) -> ColumnInfo | None:
        return self.columns.get(name)


def inspect_model(model: type) -> ModelInfo:
    """Describe a mapped class; OptionError if it is not mapped."""
    try:
        mapper: Mapper[Any] = sa.inspect(model)
    except (sa.exc.NoInspectionAvailable, UnmappedClassError):
        raise OptionError(f"{model!r} is not a mapped SQLAlchemy class") from None
    relations = {rel.key: _relation_info(mapper, rel) for rel in mapper.relationships}
    column_owner = {
        column: rel.name
        for rel in relations.values()
        if rel.direction == "many_to_one"
        for column in rel.local_columns
    }
    columns: dict[str, ColumnInfo] = {}
    for prop in mapper.column_attrs:
        column = prop.columns[0]
        if not isinstance(column, sa.Column):
            continue
        kind, choices = classify(column.type)
        columns[prop.key] = ColumnInfo(
            name=prop.key,
            attribute=getattr(model, prop.key),
            kind=kind,
            nullable=bool(column.nullable) and not column.primary_key,
            primary_key=column.primary_key,
            choices=choices,
            relation=column_owner.get(prop.key),
        )
    key_names = tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key)
    table = mapper.local_table
    return ModelInfo(
        model=model,
        table_name=getattr(table, "name", model.__name__.lower()),
        columns=columns,
        primary_key=key_names,
        relations=relations,
    )


def _relation_info(mapper: Mapper[Any], rel: Any) -> RelationInfo:
    direction = {
        RelationshipDirection.MANYTOONE: "many_to_one",
        RelationshipDirection.ONETOMANY: "one_to_many",
        RelationshipDirection.MANYTOMANY: "many_to_many",
    }[rel.direction]
    local, remote = [], []
    for left, right in rel.local_remote_pairs:
        if left.table is mapper.local_table:
            local.append(mapper.get_property_by_column(left).key)
            target_mapper = rel.mapper
            if right.table is target_mapper.local_table:
                remote.append(target_mapper.get_property_by_column(right).key)
    return RelationInfo(rel.key, rel.mapper.class_, direction, tuple(local), tuple(remote))


def classify(column_type: sa.types.TypeEngine[Any]) -> tuple[str, tuple[Any, ...]]:
    """The kind of a column type, and its choices when it is an enum."""
    if isinstance(column_type, sa.Enum):
        if column_type.enum_class is not None:
            return "enum", tuple(column_type.enum_class)
        return "enum", tuple(column_type.enums)
    if isinstance(column_type, sa.Boolean):
        return "boolean", ()
    if isinstance(column_type, sa.JSON):
        return "json", ()
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return "other", ()
    if python_type is bool:
        return "boolean", ()
    if python_type is int:
        return "integer", ()
    if python_type in (float, decimal.Decimal):
        return "number", ()
    if python_type is datetime.datetime:
        return "datetime", ()
    if python_type is datetime.date:
        return "date", ()
    if python_type is datetime.time:
        return "time", ()
    if python_type is uuid.UUID:
        return "uuid", ()
    if python_type is bytes:
        return "binary", ()
    if python_type is str:
        length = getattr(column_type, "length", None)
        return ("text" if isinstance(column_type, sa.Text) or length is None else "string"), ()
    if isinstance(python_type, type) and issubclass(python_type, enum.Enum):
        return "enum", tuple(python_type)
    return "other", ()


def parse_value(info: ColumnInfo, text: str) -> Any:
    """Coerce text to the Python type of `info`'s column; ValueError if it is not one."""
    kind = info.kind
    if kind in TEXT_KINDS or kind == "other":
        if "\x00" in text:
            raise ValueError("text cannot hold a NUL character")
        return text
    text = text.strip()
    if kind == "integer":
        return _integer_in_range(info, int(text))
    if kind == "number":
        python_type = info.attribute.type.python_type
        try:
            return python_type(text) if python_type is float else decimal.Decimal(text)
        except decimal.InvalidOperation:
            raise ValueError(f"{text!r} is not a number") from None
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "on"):
            return True
        if lowered in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"{text!r} is not yes or no")
    if kind == "date":
        return datetime.date.fromisoformat(text[:10])
    if kind == "datetime":
        return datetime.datetime.fromisoformat(text)
    if kind == "time":
        return datetime.time.fromisoformat(text)
    if kind == "uuid":
        return uuid.UUID(text)
    if kind == "enum":
        for choice in info.choices:
            if choice_value(choice) == text:
                return choice
        raise ValueError(f"{text!r} is not one of the choices")
    raise ValueError(f"{kind} values cannot be given as text")


def _integer_in_range(info: ColumnInfo, number: int) -> int:
    """`number`, when the widest integer a database stores (64 bits, signed unless the
    column is MySQL's UNSIGNED) holds it: a larger one can name no row, and drivers
    refuse it with an error of their own (SQLite's OverflowError, PostgreSQL's "bigint
    out of range")."""
    unsigned = getattr(info.attribute.type, "unsigned", False)
    low, high = (0, 2**64 - 1) if unsigned else (-(2**63), 2**63 - 1)
    if not low <= number <= high:
        raise ValueError(f"{number} is out of range")
    return number


def choice_value(choice: Any) -> str:
    """The text that stands for an enum choice in URLs and forms."""
    return choice.name if isinstance(choice, enum.Enum) else str(choice)
