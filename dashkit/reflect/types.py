"""Which reflected columns the admin can edit, and why the others are shown read-only.

A column is editable exactly when the admin's forms have a field for its type, so this
module and the forms never disagree; here we only add the reason a person reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.dialects.sqlite.base import ischema_names as SQLITE_TYPE_NAMES
from sqlalchemy.sql import sqltypes

from dashkit.admin.edit.forms.introspect import scalar_field


def column_read_only_reason(column: sa.Column, dialect: sa.Dialect | None = None) -> str | None:
    """None when the admin can edit `column`, otherwise why it is shown read-only."""
    if column.computed is not None:
        return "a generated column is computed by the database"
    if isinstance(column.type, postgresql.TSVECTOR):
        return "a full-text search vector is computed from other columns"
    if isinstance(column.type, (sqltypes.NullType, Untyped)):
        return "the database does not declare a type dashkit understands for this column"
    if scalar_field(column, name=column.key) is None:
        return f"the admin has no form field for {describe_type(column.type, dialect)} values"
    return None


def describe_type(type_: sa.types.TypeEngine, dialect: sa.Dialect | None = None) -> str:
    """The type as a person reads it in a schema: `VARCHAR(160)`, `TEXT[]`, `mood`."""
    type_ = declared_type(type_)
    if isinstance(type_, sqltypes.NullType):
        return "unknown"
    if isinstance(type_, (postgresql.ENUM, postgresql.DOMAIN)) and type_.name:
        return type_.name
    try:
        return type_.compile(dialect=dialect)
    except (sa.exc.CompileError, sa.exc.UnsupportedCompilationError, TypeError):
        return type(type_).__name__


class SetText(mysql.SET):
    """MySQL SET values as the text MySQL itself uses, `cheese,olives`, not a Python set.

    The admin shows and edits them in a text field; MySQL accepts the same text back.
    """

    cache_ok = True

    def __init__(self, *values: str, **options: object):
        super().__init__(*values, **options)
        self.length = len(",".join(self.values))  # every member at once, not the longest one

    def result_processor(self, dialect: sa.Dialect, coltype: object):  # type: ignore[override]
        as_set = super().result_processor(dialect, coltype)
        order = {value: position for position, value in enumerate(self.values)}

        def process(value: object) -> str | None:
            members = as_set(value) if as_set is not None else value
            if members is None:
                return None
            return ",".join(sorted(members, key=lambda member: order.get(member, len(order))))

        return process


class ShownAs(sa.TypeDecorator):
    """A database type the admin edits as a simpler one: an integer domain as an integer,
    MySQL's YEAR as a small integer. The driver's values are already of the simple type."""

    impl = sa.types.NullType
    cache_ok = True

    def __init__(self, declared: sa.types.TypeEngine, shown: sa.types.TypeEngine):
        super().__init__()
        self.declared = declared
        self.impl = shown


class Untyped(sa.TypeDecorator):
    """A SQLite column declared with no type: values shown, sorted and searched as they are
    stored, never converted, and never edited (no form field: text written back would turn
    a stored number into a string).

    Such a column compares values without converting them, so `2 = '2'` is false there:
    text from a URL or a filter that is exactly how a number is written (`2`, `2.5`, not
    `02` or `2.50`) is bound as that number, the way computed columns (`count(*)`,
    `sum(...)`) and most untyped tables store them.
    """

    impl = sa.types.NullType
    cache_ok = True

    @property
    def python_type(self) -> type:
        return str  # the admin lists, sorts and searches it as text

    def process_bind_param(self, value: object, dialect: sa.Dialect) -> object:
        if not isinstance(value, str):
            return value
        for number in (int, float):
            try:
                parsed = number(value)
            except ValueError:
                continue
            if str(parsed) == value:
                return parsed
        return value


def declared_type(type_: sa.types.TypeEngine) -> sa.types.TypeEngine:
    """The type as the database declares it, undoing reflection's refinements."""
    if isinstance(type_, Untyped):
        return sqltypes.NullType()
    if isinstance(type_, ShownAs):
        return type_.declared
    if isinstance(type_, SetText):
        return type_.adapt(mysql.SET)
    return type_


def refine_reflected_type(type_: sa.types.TypeEngine) -> sa.types.TypeEngine:
    """The type the admin should see for a reflected column type (often `type_` itself)."""
    if isinstance(type_, mysql.TINYINT) and type_.display_width == 1:
        return sa.Boolean()  # MySQL spells BOOLEAN as TINYINT(1)
    if isinstance(type_, mysql.SET) and not type_.retrieve_as_bitwise:
        return type_.adapt(SetText)
    if isinstance(type_, mysql.YEAR):
        return ShownAs(type_, sa.SmallInteger())
    if isinstance(type_, postgresql.DOMAIN):
        return ShownAs(type_, refine_reflected_type(type_.data_type))
    return type_


def refine_sqlite_type(
    type_: sa.types.TypeEngine, declared: Callable[[], str]
) -> sa.types.TypeEngine:
    """Text for a SQLite column whose declared type SQLAlchemy only guessed to be NUMERIC;
    `Untyped` for one declared with no type (a view's computed column, an untyped table).

    SQLite accepts any type name, or none: SQLAlchemy reads a name it does not know
    (`ENUM`, `YEAR`, `SET`, `DATETIME2`) as NUMERIC, whose values it converts to Decimal,
    so the first row holding `'paid'` would fail. `declared` gives the name as written.
    """
    if type(type_) is sqltypes.NullType:
        return Untyped() if not declared().strip() else type_
    if type(type_) is not sqltypes.NUMERIC:
        return type_
    name = re.match(r"[\w ]*", declared().upper()).group(0).strip()
    return type_ if name in SQLITE_TYPE_NAMES else sa.Text()
