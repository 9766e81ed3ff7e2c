"""Keyset (cursor) pagination: sort keys ending in the primary key, and opaque cursors.

A page boundary is the tuple of sort-key values of its first or last row. The next page
is every row strictly beyond that tuple in ORDER BY order, so a page costs an index
range scan, never an OFFSET over the rows before it. NULLs sort last in both
directions on every dialect (an `IS NULL` flag key goes first).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from dashkit.admin.display import format_value
from dashkit.admin.introspection import ColumnInfo


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY term and how to read its value back from a cursor."""

    expression: sa.ColumnElement[Any]
    column: ColumnInfo
    descending: bool = False
    nullable: bool = False
    """True when the key can be NULL: a nullable column, or one reached by an outer join."""
    as_text: bool = False
    """The key sorts the column's text (an enum: MySQL orders ENUMs by their position but
    compares them as strings, so a keyset over the raw column would skip rows)."""

    def null_flag(self) -> sa.ColumnElement[int]:
        return sa.case((self.expression.is_(None), 1), else_=0)

    def order_by(self, reverse: bool = False) -> list[sa.ColumnElement[Any]]:
        descending = self.descending != reverse
        terms = [self.null_flag().desc() if reverse else self.null_flag()] if self.nullable else []
        terms.append(self.expression.desc() if descending else self.expression.asc())
        return terms


BOUNDARY = "boundary_"
"""Name prefix of the bound parameters that hold a boundary's values in `beyond`."""


def beyond(keys: Sequence[SortKey], values: Sequence[Any], forward: bool) -> sa.ColumnElement[bool]:
    """Rows strictly after (`forward`) or before the boundary `values`, in key order.

    The values are bound parameters named by `boundary_parameters`, so a statement built
    for one boundary serves any other with the same NULLs: executed with the other's
    parameters.
    """
    bound = [
        (expression, sa.bindparam(name, value, type_=expression.type), ascending)
        for (expression, value, ascending), name in zip(
            _terms(keys, values), boundary_parameters(keys, values), strict=True
        )
    ]
    alternatives = []
    for index, (expression, value, ascending) in enumerate(bound):
        step = expression > value if ascending == forward else expression < value
        equal_before = [earlier == earlier_value for earlier, earlier_value, _ in bound[:index]]
        alternatives.append(sa.and_(*equal_before, step))
    return sa.or_(*alternatives)


def boundary_parameters(keys: Sequence[SortKey], values: Sequence[Any]) -> dict[str, Any]:
    """The bound parameters of `beyond(keys, values, ...)`: name -> value."""
    return {f"{BOUNDARY}{index}": value for index, (_, value, _) in enumerate(_terms(keys, values))}


def _terms(
    keys: Sequence[SortKey], values: Sequence[Any]
) -> list[tuple[sa.ColumnElement[Any], Any, bool]]:
    """(expression, boundary value, ascending) per compared term: a nullable key compares
    its NULL flag first, and its value only when the boundary's is not NULL."""
    terms: list[tuple[sa.ColumnElement[Any], Any, bool]] = []
    for key, value in zip(keys, values, strict=True):
        if key.nullable:
            terms.append((key.null_flag(), 1 if value is None else 0, True))
            if value is None:
                continue
        terms.append((key.expression, value, not key.descending))
    return terms


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque, URL-safe token for a boundary."""
    texts = [None if value is None else _cursor_text(value) for value in values]
    raw = json.dumps(texts, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_text(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return format_value(value) if not isinstance(value, bool) else ("1" if value else "0")


def decode_cursor(keys: Sequence[SortKey], token: str) -> list[Any]:
    """The boundary values of a cursor for these keys; ValueError if it does not fit them."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        texts = json.loads(raw)
    except (binascii.Error, ValueError) as error:
        raise ValueError("the page cursor is malformed") from error
    if not isinstance(texts, list) or len(texts) != len(keys):
        raise ValueError("the page cursor does not match the sort order")
    values = []
    for key, text in zip(keys, texts, strict=True):
        if text is None:
            if not key.nullable:
                raise ValueError("the page cursor does not match the sort order")
            values.append(None)
        elif isinstance(text, str) and "\x00" not in text:
            values.append(text if key.as_text else key.column.python_value(text))
        else:
            raise ValueError("the page cursor is malformed")
    return values
