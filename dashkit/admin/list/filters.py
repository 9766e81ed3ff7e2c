"""List filters by column kind, read from the query string, turned into SQL conditions and
into the data of the filters form.

URL parameters: `f.<name>` (equals; repeated for several choices), `f.<name>.min` and
`f.<name>.max` (inclusive range), `f.<name>.null` (`1` only empty, `0` only filled).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from dashkit.admin.display import Choice
from dashkit.admin.introspection import RANGE_KINDS, ColumnInfo, choice_value

PREFIX = "f."


@dataclass(frozen=True)
class FilterSpec:
    """A filter a ModelAdmin offers on one column."""

    name: str
    label: str
    column: ColumnInfo
    kind: str
    """boolean, choices, relation, range or text."""
    target: type | None = None
    """For a relation filter, the model the column points to."""

    @property
    def nullable(self) -> bool:
        return self.column.nullable

    @property
    def input_type(self) -> str:
        """The HTML input type for range bounds."""
        return {"date": "date", "datetime": "datetime-local", "time": "time"}.get(
            self.column.kind, "number"
        )

    def choices(self) -> list[tuple[str, str]]:
        """(value, label) pairs for boolean and choices filters."""
        if self.kind == "boolean":
            return [("1", "Yes"), ("0", "No")]
        return [(choice_value(choice), choice_value(choice)) for choice in self.column.choices]


def filter_kind(column: ColumnInfo) -> str:
    if column.kind == "boolean":
        return "boolean"
    if column.kind == "enum":
        return "choices"
    if column.relation is not None:
        return "relation"
    if column.kind in RANGE_KINDS:
        return "range"
    return "text"


@dataclass
class AppliedFilter:
    """A filter with the values a request gave it."""

    spec: FilterSpec
    equals: list[Any] = field(default_factory=list)
    minimum: Any = None
    maximum: Any = None
    maximum_is_date: bool = False
    null: bool | None = None
    raw: dict[str, list[str]] = field(default_factory=dict)
    """The query-string values as given, to refill the filter form."""

    def condition(self) -> sa.ColumnElement[bool]:
        """The WHERE clause; every value is a bound parameter."""
        column = self.spec.column.attribute
        parts: list[sa.ColumnElement[bool]] = []
        if self.equals:
            parts.append(
                column == self.equals[0] if len(self.equals) == 1 else column.in_(self.equals)
            )
        if self.minimum is not None:
            parts.append(column >= self.minimum)
        if self.maximum is not None:
            if self.maximum_is_date:
                parts.append(column < self.maximum + datetime.timedelta(days=1))
            else:
                parts.append(column <= self.maximum)
        if self.null is not None:
            parts.append(column.is_(None) if self.null else column.is_not(None))
        return sa.and_(*parts)

    @property
    def active(self) -> bool:
        return (
            bool(self.equals)
            or self.minimum is not None
            or self.maximum is not None
            or self.null is not None
        )


def parse_filters(
    specs: Mapping[str, FilterSpec], args: MultiDict[str, str]
) -> tuple[list[AppliedFilter], list[str]]:
    """The filters a query string asks for, and notices about names or values it ignored."""
    applied: dict[str, AppliedFilter] = {}
    notices: list[str] = []
    for key in args:
        if not key.startswith(PREFIX):
            continue
        name, _, part = key[len(PREFIX) :].partition(".")
        spec = specs.get(name)
        if spec is None or part not in ("", "min", "max", "null"):
            notices.append(f"Unknown filter {key[len(PREFIX) :]!r} ignored.")
            continue
        values = [value for value in args.getlist(key) if value.strip() != ""]
        if not values:
            continue
        current = applied.setdefault(name, AppliedFilter(spec))
        current.raw[part or "eq"] = values
        try:
            _apply(current, part, values)
        except ValueError as error:
            notices.append(f"Filter {spec.label!r} ignored: {error}.")
    return [item for item in applied.values() if item.active], notices


def _apply(current: AppliedFilter, part: str, values: Sequence[str]) -> None:
    column = current.spec.column
    if part == "null":
        if values[0] not in ("0", "1"):
            raise ValueError(f"{values[0]!r} is not 0 or 1")
        current.null = values[0] == "1"
    elif part == "":
        current.equals = [column.python_value(value) for value in values]
    else:
        if current.spec.kind != "range":
            raise ValueError(f"{current.spec.label} has no range")
        value = column.python_value(values[0])
        if part == "min":
            current.minimum = value
        else:
            current.maximum = value
            current.maximum_is_date = column.kind == "datetime" and len(values[0].strip()) == 10


@dataclass(frozen=True)
class FilterControl:
    """A filter as the filters form shows it, its inputs refilled with what the URL gave."""

    name: str
    label: str
    kind: str
    """boolean, choices, relation, range or text: which inputs it has."""
    choices: list[Choice]
    """A boolean or choices filter's options."""
    value: str
    """A text or relation filter's value."""
    minimum: str
    maximum: str
    """A range filter's bounds."""
    input_type: str
    """The input type of a range filter's bounds (number, date, datetime-local, time)."""
    nullable: bool
    """The column may be empty: the filter offers to keep only empty or only filled rows."""
    null: str
    """"1" for only empty rows, "0" for only filled ones, "" for either."""
    autocomplete_url: str | None
    """Where a relation filter looks up the rows it offers."""


def filter_controls(
    specs: Mapping[str, FilterSpec],
    applied: Sequence[AppliedFilter],
    autocomplete_url: Callable[[str], str],
) -> list[FilterControl]:
    """Every filter a ModelAdmin offers, refilled with the values of the `applied` ones.

    `autocomplete_url(name)` is where a relation filter looks up the rows it offers.
    """
    given = {item.spec.name: item.raw for item in applied}
    controls = []
    for spec in specs.values():
        raw = given.get(spec.name, {})
        chosen = raw.get("eq", [])
        controls.append(
            FilterControl(
                name=spec.name,
                label=spec.label,
                kind=spec.kind,
                choices=[
                    Choice(value, text, value in chosen)
                    for value, text in (
                        spec.choices() if spec.kind in ("boolean", "choices") else ()
                    )
                ],
                value=_first(raw, "eq"),
                minimum=_first(raw, "min"),
                maximum=_first(raw, "max"),
                input_type=spec.input_type,
                nullable=spec.nullable,
                null=_first(raw, "null"),
                autocomplete_url=autocomplete_url(spec.name) if spec.kind == "relation" else None,
            )
        )
    return controls


def _first(raw: dict[str, list[str]], part: str) -> str:
    """The first value the URL gave for `part` of a filter; empty when it gave none."""
    values = raw.get(part)
    return values[0] if values else ""
