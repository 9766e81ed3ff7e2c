"""A page of the list query: its records, and the one way to read them.

The query reads a page as rows of the model's columns where the shown fields need
nothing else (half the cost of model objects), else as model objects. Whoever shows the
page (the list page, the autocomplete) reads it through its `RowReader`, a column at a
time, and never needs to know which it was.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dashkit.admin.display import DisplayField
    from dashkit.admin.options import ModelAdmin


class RowReader:
    """Reads the records of a query's pages, rows of columns or model objects alike."""

    def __init__(self, model_admin: ModelAdmin, column_names: list[str] | None):
        self._model_admin = model_admin
        self._column_names = column_names

    def _column(self, name: str) -> Callable[[Any], Any]:
        """A function reading column `name` from a row: by position from a row of columns,
        ten times quicker than by name."""
        if self._column_names is None:
            return operator.attrgetter(name)
        return operator.itemgetter(self._column_names.index(name))

    def values(self, display: DisplayField, rows: Sequence[Any]) -> list[Any]:
        """The value of the field in each row."""
        if self._column_names is not None and is_plain_column(display):
            return list(map(self._column(display.path[0]), rows))
        return list(map(display.value, rows))

    def keys(self, rows: Sequence[Any]) -> list[tuple[Any, ...]]:
        """The primary key values of each row."""
        columns = [map(self._column(name), rows) for name in self._model_admin.info.primary_key]
        return list(zip(*columns, strict=True))

    def labels(self, rows: Sequence[Any]) -> list[str]:
        """The `row_label` of each row.

        Rows of columns come only with ModelAdmin's own `row_label`: its label column is
        then read by position (by name, it was most of a label's cost).
        """
        admin = self._model_admin
        if self._column_names is None or admin.label_column is None:
            return [admin.row_label(row) for row in rows]
        texts = map(self._column(admin.label_column), rows)
        return [str(text) if text else admin.row_label(row) for text, row in zip(texts, rows)]


@dataclass
class Page:
    """One page of rows plus the cursors that lead to its neighbours.

    `rows` are the records as the query read them (each column an attribute); read them
    through `values`, `keys` and `labels`, which work the same for every kind of page.
    """

    rows: list[Any]
    reader: RowReader = field(repr=False, compare=False)
    next_cursor: str | None = None
    previous_cursor: str | None = None
    is_first: bool = True
    is_last: bool = True
    notices: list[str] = field(default_factory=list)
    """What the query ignored of the request, said to the user."""

    def values(self, display: DisplayField) -> list[Any]:
        """The value of the field in each row of the page."""
        return self.reader.values(display, self.rows)

    def keys(self) -> list[tuple[Any, ...]]:
        """The primary key values of each row of the page."""
        return self.reader.keys(self.rows)

    def labels(self) -> list[str]:
        """The `row_label` of each row of the page."""
        return self.reader.labels(self.rows)


def is_plain_column(display: DisplayField) -> bool:
    """True when the field is one of the model's own columns, read as it is stored."""
    return display.function is None and display.column is not None and len(display.path) == 1
