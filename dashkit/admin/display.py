"""List and detail columns: what a `list_display` entry reads from a row, and how it shows."""

from __future__ import annotations

import datetime
import decimal
import enum
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from dashkit.admin.introspection import ColumnInfo, ModelInfo, inspect_model

Formatter = Callable[[Any], Any]


@dataclass(frozen=True)
class DisplayField:
    """A column of the list: a model column, a related attribute (`customer.name`) or a callable."""

    name: str
    label: str
    path: tuple[str, ...] = ()
    """Relationship names followed by the attribute read at the end; empty for callables."""
    column: ColumnInfo | None = None
    """The column at the end of `path`, when it is one (sorting, filtering, formatting)."""
    function: Callable[[Any], Any] | None = None
    formatter: Formatter | None = None

    @property
    def relations(self) -> tuple[str, ...]:
        return self.path[:-1]

    @property
    def sortable(self) -> bool:
        return (
            self.column is not None
            and len(self.relations) <= 1
            and self.column.kind
            not in (
                "json",
                "binary",
                "other",
            )
        )

    @property
    def kind(self) -> str:
        return self.column.kind if self.column is not None else "other"

    def value(self, row: Any) -> Any:
        """The raw value of this field for a row."""
        if self.function is not None:
            return self.function(row)
        value = row
        for step in self.path:
            value = getattr(value, step, None)
            if value is None:
                return None
        return value

    def display(self, row: Any) -> Any:
        """The value as the page shows it: through the formatter, else by kind."""
        value = self.value(row)
        if self.formatter is not None:
            return self.formatter(value)
        return format_value(value)


def resolve_path(info: ModelInfo, path: str) -> tuple[tuple[str, ...], ColumnInfo | None] | None:
    """Follow `customer.country.name` through many-to-one relationships; None if it breaks."""
    steps = tuple(path.split("."))
    current = info
    for step in steps[:-1]:
        relation = current.relations.get(step)
        if relation is None or relation.direction != "many_to_one":
            return None
        current = inspect_model(relation.target)
    last = steps[-1]
    if last in current.columns:
        return steps, current.columns[last]
    if len(steps) > 1 and (last in current.relations or hasattr(current.model, last)):
        return steps, None
    return None


def humanize(name: str) -> str:
    """`unit_price` → `Unit price`, `customer.name` → `Customer name`."""
    text = name.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


COMMON_FORMATS: dict[type, Callable[[Any], str]] = {
    type(None): lambda value: "",
    str: lambda value: value,
    int: str,
    bool: lambda value: "yes" if value else "no",
    float: str,
    decimal.Decimal: str,
    datetime.datetime: lambda value: value.isoformat(" ", "seconds"),  # by position: quicker
    datetime.date: datetime.date.isoformat,
}
"""The exact types most cells hold, formatted by one lookup instead of the checks of `format_value`."""


def format_value(value: Any) -> str:
    """A value as text for HTML and CSV: dates in ISO form, enums by name, JSON compact."""
    common = COMMON_FORMATS.get(type(value))
    if common is not None:
        return common(value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (float, decimal.Decimal)):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    return str(value)


def json_value(value: Any) -> Any:
    """A value as JSON: numbers stay numbers, everything else becomes its display text."""
    if value is None or isinstance(value, (bool, int, float, dict, list)):
        return value
    return format_value(value)


class Choice(NamedTuple):
    """An option of a control (a select's option, a checkbox of a group, an autocomplete's
    chosen row): the value it sends, its label, and whether it is selected now."""

    value: str
    label: str
    selected: bool = False
