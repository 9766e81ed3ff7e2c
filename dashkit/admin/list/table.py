"""The list's table as data: its columns, and each row's values as text with their links.

A 50-row page has hundreds of cells, so they are made a column at a time: a column of
one type is formatted by one call (`str` over fifty integers), and the URLs a column
links to are joined from parts worked out once per page. Nothing here is HTML: the
templates `admin/_list/table.html` and `admin/_list/row.html` draw the table, and Jinja2
escapes every text (a formatter may return `Markup` to show HTML of its own).

Cells carry no editor links: an editable column names its editor's URL around the row
key, each row its key (`data-pk`), and `static/js/admin.js` adds the cell pencils.
Without JavaScript a row is edited through its own edit form, which every row links to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING, Any, NamedTuple

from dashkit.admin.display import COMMON_FORMATS, DisplayField, format_value
from dashkit.admin.keys import encode_pk
from dashkit.admin.urls import UrlParts, path_segment

if TYPE_CHECKING:
    from dashkit.admin.list.records import Page


NUMERIC_KINDS = frozenset({"integer", "number"})
CLIPPED_LENGTH = 300
"""Long text shows this many characters in a list cell (the row's page shows it all)."""


@dataclass(frozen=True)
class Column:
    """A column of the table: its header, how it sorts, and where its cells are edited."""

    name: str
    label: str
    kind: str
    """The column's kind (text, number, date...), the class its cells are styled by."""
    sort_url: str | None = None
    """Where a click on the header leads (sorted by it, or reversed); None when it does not sort."""
    sorted: str | None = None
    """"ascending" or "descending" when the table is sorted by this column."""
    editor: UrlParts | None = None
    """The in-place editor of a cell of this column, split where the row's key goes; None
    when the user may not edit it in the list."""
    heading: bool = False
    """Its cells head their rows and link to the row's page (the first column)."""
    numeric: bool = field(init=False)
    """Its cells hold numbers (aligned right, in figures of one width)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "numeric", self.kind in NUMERIC_KINDS)


Cell = tuple[Column, bool, Any, "str | None"]
"""A cell after the heading: its column, whether it holds a number, its text (`Markup`
when a formatter made HTML), and the URL of the row a foreign key points to, or None."""


class Row(NamedTuple):
    """A row of the table: its key, its heading cell (which links to the row's page), the
    other cells, and its edit form.

    A named tuple, so that the template may unpack it in its loop (`{% for key, segment,
    ... in page.rows %}`), which costs nothing per field where `row.key` is an attribute
    lookup through Jinja2's sandbox-aware getattr: 50 rows of 7 fields add up."""

    key: str
    """The row's primary key as text: what its select box sends."""
    segment: str
    """The key as a URL path segment: in the row's links and its `data-pk`."""
    label: str
    """The row's name (`row_label`), for its select box; empty when there is none."""
    url: str
    """The row's page."""
    heading: Any
    """The heading column's text (`Markup` when a formatter made HTML)."""
    cells: tuple[Cell, ...]
    """The other columns' cells, in order."""
    edit_url: str | None
    """The row's edit form, when the user may change rows."""


@dataclass(frozen=True)
class TableLinks:
    """Where the cells of one page link: the row's pages and the rows foreign keys point to."""

    detail: UrlParts
    """The detail page of this model's rows."""
    related: dict[str, UrlParts]
    """Foreign-key field name -> the detail page of the row it points to (the user may view it)."""
    edit: UrlParts | None = None
    """The edit form of this model's rows, when the user may change them."""


def table_rows(
    page: Page,
    fields: Sequence[DisplayField],
    columns: Sequence[Column],
    links: TableLinks,
    *,
    labelled: bool,
) -> list[Row]:
    """The page's rows with a cell per column (`columns` are `fields` as the header shows
    them, the heading column first); `labelled` reads each row's label, which only the
    select boxes need."""
    keys, segments = _keys(page.keys())
    urls = _joined(links.detail, segments)
    edit_urls = repeat(None) if links.edit is None else _joined(links.edit, segments)
    labels = page.labels() if labelled else repeat("")
    values = [page.values(shown) for shown in fields]
    heading, *others = [cell_texts(shown, column) for shown, column in zip(fields, values)]
    cells = [
        zip(
            repeat(column),
            repeat(column.numeric),
            texts,
            _related(links.related[shown.name], column_values)
            if shown.name in links.related
            else repeat(None),
        )
        for shown, column, texts, column_values in zip(
            fields[1:], columns[1:], others, values[1:], strict=True
        )
    ]
    return [
        Row(key, segment, label, url, head, row_cells, edit_url)
        for key, segment, label, url, head, row_cells, edit_url in zip(
            keys, segments, labels, urls, heading, zip(*cells), edit_urls
        )
    ]


def cell_texts(field: DisplayField, values: list[Any]) -> list[Any]:
    """A column's values as the list shows them: through the field's formatter, else by type.

    A column mostly holds values of one type: then one conversion serves it all.
    """
    formatter = field.formatter
    if formatter is not None:
        return [_text(formatter(value)) for value in values]
    types = set(map(type, values))
    if len(types) == 1:
        kind = types.pop()
        if kind is str:
            return values if field.kind != "text" else list(map(_clipped, values))
        common = COMMON_FORMATS.get(kind)
        if common is not None:
            return list(map(common, values))
    return list(map(format_value, values))


def _clipped(text: str) -> str:
    """Long text cut to what a cell shows, ending in an ellipsis when cut."""
    return text if len(text) <= CLIPPED_LENGTH else text[: CLIPPED_LENGTH - 1] + "\u2026"


def _text(value: Any) -> str:
    """A formatter's result as text; a `Markup` stays as it is."""
    return value if isinstance(value, str) else str(value)


def _keys(keys: list[tuple[Any, ...]]) -> tuple[list[str], list[str]]:
    """Each row's key as text, and as a URL path segment."""
    if keys and len(keys[0]) == 1:
        values = [key[0] for key in keys]
        if set(map(type, values)) == {int}:  # the usual integer key: nothing to quote
            texts = list(map(str, values))
            return texts, texts
    texts = list(map(encode_pk, keys))
    return texts, [path_segment(text) for text in texts]


def _joined(parts: UrlParts, segments: list[str]) -> list[str]:
    """The URL of each row, its key's segment put between the two parts."""
    before, after = parts
    return [before + segment + after for segment in segments]


def _related(parts: UrlParts, values: list[Any]) -> list[str | None]:
    """The page of the row each foreign key value points to; None where there is none."""
    before, after = parts
    return [
        None if value is None else before + path_segment(encode_pk((value,))) + after
        for value in values
    ]
