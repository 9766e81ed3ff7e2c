"""Export of a filtered list to CSV or JSON, streamed a batch at a time with constant memory."""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from dashkit.admin.access import model_admin_for
from dashkit.admin.display import DisplayField, json_value
from dashkit.admin.list.query import ListQuery
from dashkit.admin.list.state import read_list_state
from dashkit.http import Response, abort

if TYPE_CHECKING:
    import sqlalchemy as sa

    from dashkit.http import Request
    from dashkit.routing import Blueprint

FORMATS = {"csv": "text/csv", "json": "application/json"}
FORMULA_STARTS = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet read a cell as a formula."""
BATCH_SIZE = 1000


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/<slug>/export.<fmt>", "export", export_view)


def export_view(request: Request, slug: str, fmt: str) -> Response:
    """Every row of the list as the URL filters, searches and sorts it (its columns too)."""
    model_admin = model_admin_for(request, slug, "export")
    if fmt not in FORMATS:
        abort(404, f"Export as {fmt!r} is not offered; use csv or json.")
    state = read_list_state(model_admin, request.args)
    if state.notices:  # a list shows what it ignored; a download would hide it
        abort(400, " ".join(state.notices))
    query = ListQuery(model_admin, state, request)
    fields = [field for field in model_admin.list_fields if field.name in state.columns]
    rows = _started(_rows(request.db.get_bind(), query))
    if fmt == "csv":
        body = _csv(fields, rows, formulas=model_admin.export_formulas)
    else:
        body = _json(fields, rows)
    response = Response(body, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{model_admin.slug}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _rows(engine: sa.Engine | sa.Connection, query: ListQuery) -> Iterator[Any]:
    """The rows, read with a session of the export's own: the request's is closed by then."""
    with Session(engine) as session:
        for batch in query.batches(session, BATCH_SIZE):
            yield from batch


def _started(rows: Iterator[Any]) -> Iterator[Any]:
    """`rows` with the first batch read now: a query that fails is an error page, not a
    download cut short after its headers were sent."""
    first = list(itertools.islice(rows, 1))
    return itertools.chain(first, rows)


def _csv(fields: Sequence[DisplayField], rows: Iterator[Any], *, formulas: bool) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    writer.writerow([field.label for field in fields])
    yield flush()
    for row in rows:
        cells = [field.display(row) for field in fields]
        if not formulas:
            cells = [_inert(cell, field, row) for cell, field in zip(cells, fields, strict=True)]
        writer.writerow(cells)
        yield flush()


def _inert(cell: str, field: DisplayField, row: Any) -> str:
    """`cell` as a spreadsheet shows it without running it: text that would start a formula
    gets a leading `'` (OWASP's advice); a number's own minus sign is left alone."""
    if cell[:1] in FORMULA_STARTS and not isinstance(field.value(row), (int, float, Decimal)):
        return "'" + cell
    return cell


def _json(fields: Sequence[DisplayField], rows: Iterator[Any]) -> Iterator[bytes]:
    yield b"["
    separator = "\n"
    for row in rows:
        item = {field.name: _json_cell(field, row) for field in fields}
        yield (separator + json.dumps(item, ensure_ascii=False, default=str)).encode("utf-8")
        separator = ",\n"
    yield b"\n]\n"


def _json_cell(field: DisplayField, row: Any) -> Any:
    return field.display(row) if field.formatter is not None else json_value(field.value(row))
