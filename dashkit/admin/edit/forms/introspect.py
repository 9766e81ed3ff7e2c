"""Build the form fields of a mapped class from its columns and relationships."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import UTC, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, RelationshipDirection

from dashkit.admin.edit.forms.fields import (
    BinaryField,
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    Field,
    FloatField,
    IntegerField,
    JsonField,
    StringField,
    TextField,
    TimeField,
    UuidField,
    choices_from_names,
)
from dashkit.admin.edit.forms.relations import ForeignKeyField, ManyToManyField


def base_type(type_: sa.types.TypeEngine[Any]) -> sa.types.TypeEngine[Any]:
    """The storage type under any TypeDecorator layers."""
    while isinstance(type_, sa.TypeDecorator):
        type_ = type_.impl_instance
    return type_


def is_generated(column: sa.Column[Any]) -> bool:
    """True for columns the database fills in and a form must not offer."""
    return column.computed is not None or column.table.autoincrement_column is column


INTEGER_BITS = {"TINYINT": 8, "SMALLINT": 16, "MEDIUMINT": 24, "BIGINT": 64}


def integer_bits(type_: sa.Integer, dialect: str | None = None) -> int:
    """How wide an integer column is; SQLite stores every integer in 64 bits."""
    if dialect == "sqlite" or isinstance(type_, sa.BigInteger):
        return 64
    if isinstance(type_, sa.SmallInteger):
        return 16
    return INTEGER_BITS.get(type(type_).__name__.upper(), 32)


def scalar_field(
    column: sa.Column[Any],
    *,
    name: str,
    timezone: tzinfo = UTC,
    dialect: str | None = None,
) -> Field | None:
    """The field for a plain column, or None when its type is not editable in a form.

    `dialect` (a name like "sqlite") refines what the database really accepts."""
    type_ = base_type(column.type)
    options: dict[str, Any] = {
        "nullable": bool(column.nullable),
        "has_default": column.default is not None or column.server_default is not None,
        "primary_key": column.primary_key,
        "help_text": column.comment or "",
    }
    if isinstance(type_, sa.Enum):
        if type_.enum_class is not None and issubclass(type_.enum_class, enum.Enum):
            names = {member.name: member for member in type_.enum_class}
        else:
            names = {value: value for value in type_.enums}
        return ChoiceField(name, choices=choices_from_names(names), **options)
    if isinstance(type_, sa.Boolean):
        return BooleanField(name, **options)
    if isinstance(type_, sa.Integer):
        unsigned = bool(getattr(type_, "unsigned", False)) and dialect != "sqlite"
        return IntegerField(name, bits=integer_bits(type_, dialect), unsigned=unsigned, **options)
    if isinstance(type_, sa.Float) or (isinstance(type_, sa.Numeric) and not type_.asdecimal):
        return FloatField(name, **options)
    if isinstance(type_, sa.Numeric):
        return DecimalField(name, precision=type_.precision, scale=type_.scale, **options)
    if isinstance(type_, sa.DateTime):
        return DateTimeField(name, aware=bool(type_.timezone), timezone=timezone, **options)
    if isinstance(type_, sa.Date):
        return DateField(name, **options)
    if isinstance(type_, sa.Time):
        return TimeField(name, **options)
    if isinstance(type_, sa.JSON):
        return JsonField(name, **options)
    if isinstance(type_, sa.Uuid):
        return UuidField(name, as_uuid=type_.as_uuid, **options)
    if isinstance(type_, sa.LargeBinary | sa.types._Binary):
        return BinaryField(name, max_bytes=getattr(type_, "length", None), **options)
    if isinstance(type_, sa.Text) or (isinstance(type_, sa.String) and type_.length is None):
        return TextField(name, **options)
    if isinstance(type_, sa.String):
        return StringField(name, max_length=type_.length, **options)
    return None


def fields_for(
    model: type,
    *,
    only: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
    timezone: tzinfo = UTC,
    dialect: str | None = None,
) -> list[Field]:
    """The editable fields of `model`, in column order, then its many-to-many relationships.

    Left out: columns the database generates (autoincrement keys, computed columns), the
    version counter, and column types a form cannot edit safely.
    """
    mapper: Mapper[Any] = sa.inspect(model)
    wanted = list(only) if only is not None else None
    skipped = set(exclude)
    version = mapper.version_id_col
    fields: dict[str, Field] = {}
    foreign_keys = _foreign_key_targets(mapper)
    for attribute in mapper.column_attrs:
        if len(attribute.columns) != 1:
            continue
        column = attribute.columns[0]
        if not isinstance(column, sa.Column) or is_generated(column) or column is version:
            continue
        field = scalar_field(column, name=attribute.key, timezone=timezone, dialect=dialect)
        if field is None:
            continue
        target = foreign_keys.get(column)
        if target is not None:
            target_class, target_key = target
            field = ForeignKeyField(
                attribute.key,
                key=field,
                target=target_class,
                target_key=target_key,
                label=_relation_label(attribute.key),
                nullable=field.nullable,
                has_default=field.has_default,
                primary_key=field.primary_key,
                help_text=field.help_text,
            )
        fields[attribute.key] = field
    for relationship in mapper.relationships:
        if relationship.direction is not RelationshipDirection.MANYTOMANY:
            continue
        target_mapper = relationship.mapper
        if len(target_mapper.primary_key) != 1:
            continue
        target_column = target_mapper.primary_key[0]
        key = scalar_field(target_column, name=relationship.key, timezone=timezone, dialect=dialect)
        if key is None:
            continue
        fields[relationship.key] = ManyToManyField(
            relationship.key,
            key=key,
            target=target_mapper.class_,
            target_key=target_mapper.get_property_by_column(target_column).key,
        )
    names = wanted if wanted is not None else list(fields)
    return [fields[name] for name in names if name in fields and name not in skipped]


def _foreign_key_targets(mapper: Mapper[Any]) -> dict[sa.Column[Any], tuple[type, str]]:
    """Each single-column foreign key of the table, with the mapped class it refers to."""
    targets: dict[sa.Column[Any], tuple[type, str]] = {}
    by_table = {m.local_table: m for m in mapper.registry.mappers}
    for constraint in mapper.local_table.foreign_key_constraints:
        if len(constraint.elements) != 1:
            continue
        element = constraint.elements[0]
        target_mapper = by_table.get(element.column.table)
        if target_mapper is None:
            continue
        try:
            target_key = target_mapper.get_property_by_column(element.column).key
        except sa.orm.exc.UnmappedColumnError:
            continue
        targets[element.parent] = (target_mapper.class_, target_key)
    return targets


def _relation_label(name: str) -> str:
    base = name[:-3] if name.endswith("_id") and len(name) > 3 else name
    return base.replace("_", " ").capitalize()
