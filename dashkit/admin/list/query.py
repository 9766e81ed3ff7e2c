"""The list query: search, filters, sort and scope of a list's state, and one page of it.

Every value is a bound parameter; the names were checked when the state was read
(`list_state.py`). The same `ListQuery` feeds the HTML page, the htmx fragment, the
count, the export and the JSON API.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from dashkit.admin.access import admin_of
from dashkit.admin.display import DisplayField
from dashkit.admin.list.counting import Total, bounded_total
from dashkit.admin.list.keyset import (
    SortKey,
    beyond,
    boundary_parameters,
    decode_cursor,
    encode_cursor,
)
from dashkit.admin.list.state import ListState
from dashkit.admin.options import ModelAdmin
from dashkit.db import read_rows, reading_connection

if TYPE_CHECKING:
    from dashkit.admin.cache import AdminCache
    from dashkit.http import Request

LIKE_ESCAPE = "!"
SORT_KEY = "sort_key_"
"""Label prefix of the sort-key columns a page's statement adds after the row."""
MAX_SEARCH_TERMS = 8


@dataclass
class Page:
    """One page of rows plus the cursors that lead to its neighbours."""

    rows: list[Any]
    next_cursor: str | None = None
    previous_cursor: str | None = None
    is_first: bool = True
    is_last: bool = True


class ListQuery:
    """The SQL of one list state for one model: filtered and scoped statement, sort keys, page."""

    def __init__(self, model_admin: ModelAdmin, state: ListState, request: Request | None = None):
        self.model_admin = model_admin
        self.state = state
        self._request = request
        self._column_names = self._plain_column_names()
        # The default scope adds nothing, so a page of columns can be a plain Core
        # statement, which skips the ORM's compiling and result handling. A scope hook is
        # promised a `select(model)`.
        self._core = self._column_names is not None and _is_default(model_admin, "scope")
        # Without search, filters or a scope nothing of the request is in the SQL: its
        # statements are built once per Admin, model and sort, and shared through the
        # Admin's cache. (A page of columns reads every column of the model, whichever are
        # shown, so the keys are bounded by the configuration, not by what URLs ask for.)
        self._shared: AdminCache | None = None
        self._shape_key = (model_admin, state.sort)
        if request is not None and self._core and not state.search and not state.filters:
            self._shared = admin_of(request).cache
            shape = self._shared.get_or_build(
                "list_statement", self._shape_key, lambda: self._shape(request)
            )
        else:
            shape = self._shape(request)
        self._columns, self.statement, self._joins, self.keys = shape

    def _shape(self, request: Request | None) -> tuple[Any, sa.Select[Any], Any, list[SortKey]]:
        """The page's columns (None to load objects), the scoped statement, joins, sort keys."""
        self._columns: list[sa.ColumnElement[Any]] | None = None
        if self._column_names is not None:
            self._columns = [self._expression(name).label(name) for name in self._column_names]
        statement = sa.select(*self._columns) if self._core else sa.select(self.model_admin.model)
        statement = self._search(statement)
        for applied in self.state.filters:
            statement = statement.where(applied.condition())
        self.statement: sa.Select[Any] = self.model_admin.scope(request, statement)
        self._joins: list[tuple[Any, Any]] = []
        self.keys = self._sort_keys()
        return self._columns, self.statement, self._joins, self.keys

    def _search(self, statement: sa.Select[Any]) -> sa.Select[Any]:
        terms = self.state.search.split()[:MAX_SEARCH_TERMS]
        columns = self.model_admin.search_columns
        if terms and not columns:
            self.state.notices.append(
                f"{self.model_admin.label_plural.capitalize()} have no column to search; "
                "the search was ignored."
            )
        if not terms or not columns:
            return statement
        model = self.model_admin.model
        for term in terms:
            pattern = "%" + _escape_like(term) + "%"
            matches = []
            for column in columns:
                if isinstance(column, tuple):
                    relation, target = column
                    matches.append(getattr(model, relation).has(_like(target, pattern)))
                else:
                    matches.append(_like(column, pattern))
            statement = statement.where(sa.or_(*matches))
        return statement

    def _sort_keys(self) -> list[SortKey]:
        admin = self.model_admin
        wanted = [self.state.sort] if self.state.sort else admin.default_ordering
        keys: list[SortKey] = []
        for name, descending in wanted:
            display = admin.field(name)
            assert display is not None and display.column is not None
            nullable = display.column.nullable or bool(display.relations)
            expression = self._sort_expression(display)
            as_text = display.column.kind == "enum"
            if as_text:
                expression = sa.cast(expression, sa.String)
            keys.append(SortKey(expression, display.column, descending, nullable, as_text))
        for name in admin.info.primary_key:
            column = admin.info.columns[name]
            if not any(key.column is column for key in keys):
                keys.append(SortKey(self._expression(name), column, False))
        return keys

    def _expression(self, name: str) -> sa.ColumnElement[Any]:
        """A column of the model in SQL: the table's own column in a Core statement."""
        if self._core:
            return sa.inspect(self.model_admin.model).columns[name]
        return self.model_admin.info.columns[name].attribute

    def _plain_column_names(self) -> list[str] | None:
        """The model's columns, when the shown fields read nothing else; None to load objects.

        A page of plain column values costs half what a page of ORM objects does (no
        identity map, no instance state), and reads the same through attribute names.
        """
        admin = self.model_admin
        shown = [f for f in admin.list_fields if f.name in self.state.columns]
        if not _is_default(admin, "row_label") or any(
            f.function is not None or f.column is None or len(f.path) != 1 for f in shown
        ):
            return None
        names = list(admin.info.columns)
        if any(
            name.startswith(("_", SORT_KEY)) or hasattr(sa.Row, name) for name in names
        ):  # a name a row's own attributes (count, index...) or the sort keys would hide
            return None
        return names

    def reader(self, name: str) -> Callable[[Any], Any]:
        """A function reading column `name` from the rows of this query's pages.

        A row of columns is read by position: ten times quicker than by name.
        """
        if self._column_names is None:
            return operator.attrgetter(name)
        return operator.itemgetter(self._column_names.index(name))

    def row_labels(self, rows: Sequence[Any]) -> list[str]:
        """The `row_label` of each row of this query's pages.

        Rows of columns come only with ModelAdmin's own `row_label`: its label column is
        then read by position, as `reader` reads (by name, it was most of a label's cost).
        """
        admin = self.model_admin
        if self._column_names is None or admin.label_column is None:
            return [admin.row_label(row) for row in rows]
        texts = map(self.reader(admin.label_column), rows)
        return [str(text) if text else admin.row_label(row) for text, row in zip(texts, rows)]

    def _sort_expression(self, display: DisplayField) -> sa.ColumnElement[Any]:
        assert display.column is not None
        if not display.relations:
            return self._expression(display.column.name)
        relation = display.relations[0]
        target = self.model_admin.info.relations[relation].target
        alias = aliased(target)
        self._joins.append((alias, getattr(self.model_admin.model, relation).of_type(alias)))
        return getattr(alias, display.column.name)

    # -- reading ------------------------------------------------------------------------------

    def page_statement(self, *, reverse: bool = False) -> sa.Select[Any]:
        """The scoped statement with sort-key columns, joins, eager loads and ORDER BY.

        Its rows hold the page's row (a model object, or its columns) first, then the
        values of the sort keys.
        """
        statement = self.statement
        if self._columns is not None:
            statement = statement.with_only_columns(*self._columns)
        for alias, path in self._joins:
            statement = statement.outerjoin(alias, path)
        statement = statement.add_columns(
            *(key.expression.label(f"{SORT_KEY}{index}") for index, key in enumerate(self.keys))
        )
        if self._columns is None:
            statement = statement.options(*self._eager_loads())
        for key in self.keys:
            statement = statement.order_by(*key.order_by(reverse))
        return statement

    def _eager_loads(self) -> list[Any]:
        """One SELECT ... IN per relationship the shown columns read, whatever the page size."""
        shown = [
            f.relations
            for f in self.model_admin.list_fields
            if f.name in self.state.columns and f.relations
        ]
        loads = []
        for path in dict.fromkeys([*shown, *self.model_admin.prefetch_paths]):
            owner: Any = self.model_admin.model
            option = None
            for relation in path:
                attribute = getattr(owner, relation)
                option = (
                    selectinload(attribute) if option is None else option.selectinload(attribute)
                )
                owner = attribute.property.mapper.class_
            loads.append(option)
        return loads

    def _fetch(
        self, session: Session | None, boundary: list[Any] | None, forward: bool, limit: int
    ) -> list[Any]:
        # a shared statement serves every boundary with the same NULLs, given its values
        nulls = None if boundary is None else tuple(value is None for value in boundary)
        key = (*self._shape_key, forward, limit, nulls)
        shared = self._shared
        statement = shared.get("list_page_statement", key) if shared is not None else None
        if statement is None:
            statement = self.page_statement(reverse=not forward)
            if boundary is not None:
                statement = statement.where(beyond(self.keys, boundary, forward))
            statement = statement.limit(limit)
            if shared is not None:
                shared.put("list_page_statement", key, statement)
        parameters = None if boundary is None else boundary_parameters(self.keys, boundary)
        rows = self._read(session, statement, parameters)
        return rows if forward else rows[::-1]

    def _read(
        self, session: Session | None, statement: sa.Select[Any], parameters: Any
    ) -> list[Any]:
        """The statement's rows, in `session` or else in the request's data database."""
        if self._columns is None:  # model objects need a Session
            return list((session or self._request.db).execute(statement, parameters).all())
        # a page of plain columns needs none of the ORM's per-statement work
        if session is not None:
            return list(read_rows(session, statement, parameters).all())
        with reading_connection(self._request) as connection:
            return list(connection.execute(statement, parameters).all())

    def _row(self, row: sa.Row[Any]) -> Any:
        """The page's row of a statement row: its model object, or the row of columns."""
        return row[0] if self._columns is None else row

    def _boundary(self, row: sa.Row[Any]) -> list[Any]:
        """The sort-key values of a statement row."""
        return list(row[-len(self.keys) :])

    def _cursor(self, row: sa.Row[Any]) -> str:
        return encode_cursor(self._boundary(row))

    def page(self, session: Session | None = None) -> Page:
        """The page the state points at: first, last, after or before a cursor.

        It is read in `session`, or else in the request's data database; a page of
        columns then opens no Session when the request has none open yet.
        """
        if session is None and self._request is None:
            raise TypeError(
                "ListQuery.page() needs a session: this query was made without a request"
            )
        size = self.state.page_size
        boundary = None
        token = self.state.after or self.state.before
        if token:
            try:
                boundary = decode_cursor(self.keys, token)
            except ValueError as error:
                self.state.notices.append(f"{error}; showing the first page.")
                self.state.after = self.state.before = None
        if boundary is not None and self.state.before:
            rows = self._fetch(session, boundary, forward=False, limit=size + 1)
            more = len(rows) > size
            rows = rows[1:] if more else rows
            if not more:
                return self._first_page(session)
            return self._page(rows, previous=True, following=True)
        if boundary is None and self.state.last:
            rows = self._fetch(session, None, forward=False, limit=size + 1)
            more = len(rows) > size
            return self._page(rows[1:] if more else rows, previous=more, following=False)
        if boundary is None:
            return self._first_page(session)
        rows = self._fetch(session, boundary, forward=True, limit=size + 1)
        more = len(rows) > size
        return self._page(rows[:size], previous=True, following=more)

    def _first_page(self, session: Session | None) -> Page:
        size = self.state.page_size
        rows = self._fetch(session, None, forward=True, limit=size + 1)
        return self._page(rows[:size], previous=False, following=len(rows) > size)

    def _page(self, rows: list[Any], *, previous: bool, following: bool) -> Page:
        return Page(
            rows=rows if self._columns is not None else [row[0] for row in rows],
            next_cursor=self._cursor(rows[-1]) if following and rows else None,
            previous_cursor=self._cursor(rows[0]) if previous and rows else None,
            is_first=not previous,
            is_last=not following,
        )

    def batches(self, session: Session, size: int = 1000) -> Iterator[list[Any]]:
        """Every row of the list in order, a batch at a time, for export.

        Give it a session of its own: it empties the session after each batch so memory
        holds one batch however long the list is.
        """
        boundary = None
        while True:
            rows = self._fetch(session, boundary, forward=True, limit=size)
            if not rows:
                return
            yield [self._row(row) for row in rows]
            session.expunge_all()
            if len(rows) < size:
                return
            boundary = self._boundary(rows[-1])

    def total(self, session: Session) -> Total:
        """The row count under the ModelAdmin's bound and time budget."""
        admin = self.model_admin
        return bounded_total(
            session,
            self.statement,
            sa.inspect(admin.model).local_table,
            limit=admin.count_limit,
            timeout_ms=admin.count_timeout_ms,
            unfiltered=self.statement.whereclause is None,
        )


def _is_default(model_admin: ModelAdmin, hook: str) -> bool:
    """True when the hook (`scope`, `row_label`) is ModelAdmin's own: overridden neither by
    a subclass nor on the instance (`admin.register(...).scope = ...`). A scope of its own
    may read the request, and a row label of its own may read any attribute of the row."""
    return getattr(getattr(model_admin, hook), "__func__", None) is getattr(ModelAdmin, hook)


def _escape_like(term: str) -> str:
    return (
        term.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )


def _like(column: Any, pattern: str) -> sa.ColumnElement[bool]:
    return column.ilike(pattern, escape=LIKE_ESCAPE)
