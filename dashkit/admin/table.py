"""The list table's body as HTML, built in Python: each column's cell is planned once per page.

A 50-row page has hundreds of cells. Looking each one up through template attribute
access, macro calls and the URL map cost several times the query that fetched the rows,
so every column gets one small function (read, format, escape, link) chosen before the
first row, and the rows are joined into one string. Every text passes through
`markupsafe.escape`, as it would in an autoescaped template; only the text of numbers,
dates and booleans, which holds no character HTML treats specially, is left as it is.
"""

from __future__ import annotations

import datetime
import decimal
import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from dashkit.admin.display import DisplayField, format_value
from dashkit.admin.keys import encode_pk
from dashkit.admin.lookup import path_segment

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin

UrlParts = tuple[str, str]
"""A URL split where a row's key goes: the key's path segment fits between the two."""
Reader = Callable[[str], Callable[[Any], Any]]
"""Column name -> a function reading that column's value from a row."""
CellWriter = Callable[[Any, str, str], str]
"""(row, escaped key text, escaped key segment) -> the cell's HTML."""
SAFE_TYPES = frozenset(
    {type(None), bool, int, float, decimal.Decimal, datetime.date, datetime.datetime}
)
"""Types whose `format_value` text (digits, signs, dates, yes/no) never needs HTML escaping."""


@dataclass(frozen=True)
class TableLinks:
    """Where the cells of one page link: the row's detail page, foreign keys, cell editors."""

    detail: UrlParts
    """The detail page of this model's rows."""
    related: dict[str, UrlParts]
    """Foreign-key field name -> the detail page of the row it points to (the user may view it)."""
    editors: dict[str, UrlParts]
    """Editable field name -> its in-place editor (the JS-off fallback of the delegated editor)."""


def table_body(
    model_admin: ModelAdmin,
    rows: Sequence[Any],
    fields: Sequence[DisplayField],
    links: TableLinks,
    *,
    selectable: bool,
    reader: Reader = operator.attrgetter,
) -> Markup:
    """The `<tr>` elements of the list's rows; `selectable` adds the bulk-action checkbox.

    `reader(name)` gives the function that reads column `name` from a row (the list
    query's, which reads rows of columns by position).
    """
    writers = [
        _cell_writer(field, links, reader, first=index == 0) for index, field in enumerate(fields)
    ]
    key_readers = [reader(name) for name in model_admin.info.primary_key]
    parts = []
    for row in rows:
        pk = encode_pk([read(row) for read in key_readers])
        if pk.isascii() and pk.isdigit():  # the usual integer key: nothing to quote or escape
            pk_html = segment = pk
        else:
            pk_html, segment = str(escape(pk)), str(escape(path_segment(pk)))
        parts.append("<tr>")
        if selectable:
            label = escape(model_admin.row_label(row))
            parts.append(
                f'<td class="select"><input type="checkbox" name="pk" value="{pk_html}"'
                f' aria-label="Select {label}"></td>'
            )
        for write in writers:
            parts.append(write(row, pk_html, segment))
        parts.append("</tr>\n")
    return Markup("".join(parts))


def _cell_writer(
    field: DisplayField, links: TableLinks, reader: Reader, *, first: bool
) -> CellWriter:
    text = _html_reader(field, reader)
    kind = escape(field.kind)
    if first:
        before, after = _escaped(links.detail)

        def row_header(row: Any, pk_html: str, segment: str) -> str:
            shown = text(row) or "(empty)"
            return f'<th scope="row" class="{kind}"><a href="{before}{segment}{after}">{shown}</a></th>'

        return row_header
    if field.name in links.related:
        value_of = reader(field.path[0]) if _is_plain_column(field) else field.value
        target_before, target_after = _escaped(links.related[field.name])

        def foreign_key(row: Any, pk_html: str, segment: str) -> str:
            value = value_of(row)
            shown = text(row)
            if value is None:
                return f'<td class="{kind}">{shown}</td>'
            target = escape(path_segment(encode_pk([value])))
            return f'<td class="{kind}"><a href="{target_before}{target}{target_after}">{shown}</a></td>'

        return foreign_key
    if field.name in links.editors:
        editor_before, editor_after = _escaped(links.editors[field.name])
        label = escape(field.label)

        def editable(row: Any, pk_html: str, segment: str) -> str:
            shown = text(row) or "—"
            return (
                f'<td class="{kind}">{shown}<a class="cell-edit" href="{editor_before}{segment}'
                f'{editor_after}" aria-label="Edit {label} of {pk_html}"></a></td>'
            )

        return editable

    def plain(row: Any, pk_html: str, segment: str) -> str:
        return f'<td class="{kind}">{text(row)}</td>'

    return plain


def _is_plain_column(field: DisplayField) -> bool:
    return field.function is None and field.column is not None and len(field.path) == 1


def _html_reader(field: DisplayField, reader: Reader) -> Callable[[Any], str]:
    """A function from a row to the field's text as HTML."""
    if field.formatter is not None or not _is_plain_column(field):
        display = field.display
        return lambda row: escape(display(row))
    value_of = reader(field.path[0])

    def column_html(row: Any) -> str:
        value = value_of(row)
        if type(value) is str:
            return escape(value)
        text = format_value(value)
        return text if type(value) in SAFE_TYPES else escape(text)

    return column_html


def _escaped(parts: UrlParts) -> UrlParts:
    return str(escape(parts[0])), str(escape(parts[1]))
