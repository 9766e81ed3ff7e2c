"""The list table's body, formatted and linked in Python so the template only loops.

A 50-row page has hundreds of cells; resolving each one through template calls and the
URL map would cost more than the query that fetched them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dashkit.admin.display import DisplayField
from dashkit.admin.keys import encode_pk, pk_of

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin


@dataclass(slots=True)
class Cell:
    """One cell: the field it shows, its text, and where it links (if anywhere)."""

    field: DisplayField
    kind: str
    text: Any
    url: str | None = None


@dataclass(slots=True)
class TableRow:
    """One row of the list: its key, its name (for labels), its detail URL and its cells."""

    pk: str
    label: str
    url: str
    cells: list[Cell]


def table_rows(
    model_admin: ModelAdmin,
    rows: Sequence[Any],
    fields: Sequence[DisplayField],
    detail_url: Callable[[str, str], str],
    link_slugs: dict[str, str],
) -> list[TableRow]:
    """Rows as the table shows them; `link_slugs` maps foreign-key fields to the slug they link to."""
    result = []
    own = model_admin.slug
    kinds = [field.kind for field in fields]
    for row in rows:
        pk = pk_of(model_admin, row)
        cells = []
        for field, kind in zip(fields, kinds, strict=True):
            url = None
            target = link_slugs.get(field.name)
            if target is not None:
                value = field.value(row)
                url = None if value is None else detail_url(target, encode_pk([value]))
            cells.append(Cell(field, kind, field.display(row), url))
        result.append(TableRow(pk, model_admin.row_label(row), detail_url(own, pk), cells))
    return result
