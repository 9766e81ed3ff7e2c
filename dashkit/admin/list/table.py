"""The list table's body as HTML, built in Python: one row format planned once per page.

A 50-row page has hundreds of cells. Looking each one up through template attribute
access, macro calls and the URL map cost several times the query that fetched the rows,
so the page's row is planned before the first row: the fixed HTML of a row (tags,
classes, link prefixes) becomes one %-format string, filled in with each row's key and
cell contents. The contents are made a column at a time, so a column of one type is
converted by one call (`str` over fifty integers). Every text is escaped as
`markupsafe.escape` would, as in an autoescaped template; the text of numbers, dates and
booleans, which holds no character HTML treats specially, is left as it is.

The table's own HTML is ASCII (marks and dashes are character references): a page whose
text is all ASCII is stored one byte a character, and encoding it for the response is a
copy, many times quicker than for a page holding a single wider character.

Cells carry no editor links: an editable column's header holds its editor URL around the
row key, each row its key (`data-pk`), and `static/js/admin.js` adds the cell pencils.
Without JavaScript a row is edited through its own edit form, which every row links to.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from dashkit.admin.display import COMMON_FORMATS, DisplayField, format_value
from dashkit.admin.keys import encode_pk
from dashkit.admin.urls import path_segment

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin

UrlParts = tuple[str, str]
"""A URL split where a row's key goes: the key's path segment fits between the two."""
Reader = Callable[[str], Callable[[Any], Any]]
"""Column name -> a function reading that column's value from a row."""
ColumnHtml = Callable[[Sequence[Any]], list[str]]
"""The rows of a page -> the HTML each row shows in one cell (text, or a link around it)."""
KEY = "key"
"""In a row plan: the row's key as HTML text (the select box's value)."""
SEGMENT = "segment"
"""In a row plan: the row's key as the HTML of a URL path segment (its links, `data-pk`)."""


def html_text(text: str) -> str:
    """`text` escaped for HTML as `markupsafe.escape` escapes it, without making a Markup."""
    return str(escape(text)) if _has_special(text) else text


def _has_special(text: str) -> bool:
    """True when `text` holds a character HTML escaping changes."""
    return "&" in text or "<" in text or ">" in text or '"' in text or "'" in text


HTML_FORMATS: dict[type, Callable[[Any], str]] = {**COMMON_FORMATS, str: html_text}
"""`format_value` as HTML for the exact types most cells hold: text is escaped, and the
text of the others (nothing, digits, signs, dates, yes/no) needs no escaping."""


@dataclass(frozen=True)
class TableLinks:
    """Where the cells of one page link: the row's pages, foreign keys, cell editors."""

    detail: UrlParts
    """The detail page of this model's rows."""
    related: dict[str, UrlParts]
    """Foreign-key field name -> the detail page of the row it points to (the user may view it)."""
    editors: dict[str, UrlParts]
    """Field name -> its in-cell editor, for the fields this user may edit in the list (the
    column's header carries it; each row carries its key for it)."""
    edit: UrlParts | None = None
    """The edit form of this model's rows, when the user may change them."""


def table_body(
    model_admin: ModelAdmin,
    rows: Sequence[Any],
    fields: Sequence[DisplayField],
    links: TableLinks,
    *,
    selectable: bool,
    reader: Reader = operator.attrgetter,
    labels: Callable[[Sequence[Any]], list[str]] | None = None,
) -> Markup:
    """The `<tr>` elements of the list's rows; `selectable` adds the bulk-action checkbox.

    `reader(name)` gives the function that reads column `name` from a row, and
    `labels(rows)` the rows' `row_label`s (the list query's, which read rows of columns
    by position).
    """
    if labels is None:
        labels = lambda rows: list(map(model_admin.row_label, rows))
    row_format, sources = _row_plan(fields, links, reader, labels, selectable=selectable)
    keys, segments = _keys(model_admin, rows, reader)
    columns = [
        keys if source == KEY else segments if source == SEGMENT else source(rows)
        for source in sources
    ]
    return Markup("".join([row_format % row for row in zip(*columns)]))


def table_head(
    fields: Sequence[DisplayField],
    links: TableLinks,
    sort_urls: dict[str, str],
    *,
    sort: tuple[str, bool],
    selectable: bool,
) -> Markup:
    """The header row: select-all, each column's label (a sort link where it sorts, its
    editor's URL where the user may edit its cells), and the edit-link column."""
    cells = ["<tr>"]
    if selectable:
        cells.append(
            '<td class="select"><input type="checkbox" data-select-all'
            ' aria-label="Select every row on this page"></td>'
        )
    sorted_name, descending = sort
    for field in fields:
        attributes = f' class="{html_text(field.kind)}"'
        if field.name in links.editors:
            before, after = _escaped(links.editors[field.name])
            attributes += f' data-edit-before="{before}" data-edit-after="{after}"'
        mark = ""
        if field.name == sorted_name:
            attributes += f' aria-sort="{"descending" if descending else "ascending"}"'
            mark = "&#9660;" if descending else "&#9650;"  # ▼ ▲
        label = html_text(field.label)
        if field.name in sort_urls:
            url = html_text(sort_urls[field.name])
            label = (
                f'<a href="{url}" hx-get="{url}" hx-target="#results" hx-push-url="true">{label}'
                f'<span class="sort-mark" aria-hidden="true">{mark}</span></a>'
            )
        cells.append(f'<th scope="col"{attributes}>{label}</th>')
    if links.edit is not None:
        cells.append('<td class="row-edit"></td>')
    cells.append("</tr>")
    return Markup("\n".join(cells))


def _row_plan(
    fields: Sequence[DisplayField],
    links: TableLinks,
    reader: Reader,
    labels: Callable[[Sequence[Any]], list[str]],
    *,
    selectable: bool,
) -> tuple[str, list[ColumnHtml | str]]:
    """A row's HTML as one %-format string, and where each of its `%s` comes from: the
    row's key as text (`KEY`), as a path segment (`SEGMENT`), or a function giving a
    column's cell contents."""
    fixed: list[str] = []
    sources: list[ColumnHtml | str] = []

    def add(html: str, *between: ColumnHtml | str) -> None:
        """Fixed HTML (any `%s` in it stands for the next of `between`)."""
        fixed.append(html)
        sources.extend(between)

    add('<tr data-pk="%s">' if links.editors else "<tr>", *([SEGMENT] if links.editors else []))
    if selectable:
        add(
            '<td class="select"><input type="checkbox" name="pk" value="%s" aria-label="Select %s"></td>',
            KEY,
            lambda rows: values_html(labels(rows)),
        )
    for index, field in enumerate(fields):
        html = _column_html(field, reader)
        kind = _literal(html_text(field.kind))
        if index == 0:
            before, after = (_literal(part) for part in _escaped(links.detail))
            add(
                f'<th scope="row" class="{kind}"><a href="{before}%s{after}">%s</a></th>',
                SEGMENT,
                _or(html, "(empty)"),
            )
        elif field.name in links.related:
            add(f'<td class="{kind}">%s</td>', _foreign_key(field, links, reader, html))
        elif field.name in links.editors:
            add(f'<td class="{kind}">%s</td>', _or(html, "&mdash;"))
        else:
            add(f'<td class="{kind}">%s</td>', html)
    if links.edit is not None:
        before, after = (_literal(part) for part in _escaped(links.edit))
        add(f'<td class="row-edit"><a href="{before}%s{after}">Edit</a></td>', SEGMENT)
    add("</tr>\n")
    return "".join(fixed), sources


def _keys(
    model_admin: ModelAdmin, rows: Sequence[Any], reader: Reader
) -> tuple[list[str], list[str]]:
    """Each row's key as HTML text, and as the HTML of its URL path segment."""
    values = [list(map(reader(name), rows)) for name in model_admin.info.primary_key]
    if len(values) == 1 and set(map(type, values[0])) <= {int}:
        texts = list(map(str, values[0]))  # the usual integer key: nothing to quote or escape
        return texts, texts
    texts = [encode_pk(key) for key in zip(*values, strict=True)]
    return list(map(html_text, texts)), [html_text(path_segment(text)) for text in texts]


def _literal(html: str) -> str:
    """Fixed HTML as a part of a %-format string."""
    return html.replace("%", "%%")


def _or(column: ColumnHtml, empty: str) -> ColumnHtml:
    """A column whose empty cells say `empty`."""

    def cells(rows: Sequence[Any]) -> list[str]:
        html = column(rows)
        return html if all(html) else [text or empty for text in html]  # mostly none is empty

    return cells


def _foreign_key(
    field: DisplayField, links: TableLinks, reader: Reader, column: ColumnHtml
) -> ColumnHtml:
    """A foreign key's cells: their text, linked to the row each points to when there is one."""
    value_of = reader(field.path[0]) if _is_plain_column(field) else field.value
    before, after = _escaped(links.related[field.name])

    def linked(rows: Sequence[Any]) -> list[str]:
        cells = []
        for value, html in zip(map(value_of, rows), column(rows), strict=True):
            if value is None:
                cells.append(html)
            else:
                target = html_text(path_segment(encode_pk([value])))
                cells.append(f'<a href="{before}{target}{after}">{html}</a>')
        return cells

    return linked


def _is_plain_column(field: DisplayField) -> bool:
    return field.function is None and field.column is not None and len(field.path) == 1


def _column_html(field: DisplayField, reader: Reader) -> ColumnHtml:
    """A function from the rows to the field's text in each, as HTML."""
    if field.formatter is not None or not _is_plain_column(field):
        display = field.display
        return lambda rows: [str(escape(display(row))) for row in rows]
    value_of = reader(field.path[0])
    return lambda rows: values_html(list(map(value_of, rows)))


def values_html(values: list[Any]) -> list[str]:
    """Values as `format_value` shows them, escaped for HTML.

    A column mostly holds values of one type: then one conversion serves the whole
    column, and text needs no escaping at all when none of it holds a special character.
    """
    types = set(map(type, values))
    if len(types) == 1:
        kind = types.pop()
        if kind is str and not _has_special("".join(values)):
            return values
        html = HTML_FORMATS.get(kind)
        if html is not None:
            return list(map(html, values))
    return [_value_html(value) for value in values]


def _value_html(value: Any) -> str:
    html = HTML_FORMATS.get(type(value))
    return html(value) if html is not None else html_text(format_value(value))


def _escaped(parts: UrlParts) -> UrlParts:
    return html_text(parts[0]), html_text(parts[1])
