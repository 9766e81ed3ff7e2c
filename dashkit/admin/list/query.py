"""The list query: search, filters, sort and scope of a list's state, and one page of it.

Every value is a bound parameter; the names were checked when the state was read
(`state.py`). The same `ListQuery` feeds the HTML page, the htmx fragment, the
count, the export and the JSON API. It reads the state it is given and never changes it:
what it has to say about the request (a search it could not run, a cursor it could not
read) goes into its page's notices.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from dashkit.admin.list.records import Page, RowReader, is_plain_column
from dashkit.admin.list.state import ListState
from dashkit.admin.options import ModelAdmin
from dashkit.db import read_rows, reading_connection

if TYPE_CHECKING:
    from dashkit.admin.cache import AdminCache
    from dashkit.http import Request

SORT_KEY = "sort_key_"
"""Label prefix of the sort-key columns a page's statement adds after the row."""


class ListQuery:
    """The SQL of one list state for one model: filtered and scoped statement, sort keys, page."""

    def __init__(self, model_admin: ModelAdmin, state: ListState, request: Request | None = None):
        self.model_admin = model_admin
        self.state = state
        self._request = request
        self.notices: list[str] = []
        """What this query ignored of its state, to be said to the user."""
        self._column_names = self._plain_column_names()
        self._reader = RowReader(model_admin, self._column_names)
        # ModelAdmin's own query, scope and search add nothing of the request, so a page of
        # columns can be a plain Core statement, which skips the ORM's compiling and
        # result handling. A hook of the subclass's own is promised a `select(model)`.
        self._core = self._column_names is not None and not _customised(model_admin, state)
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
        if self._core:
            statement = sa.select(*self._columns)
        else:
            statement = self.model_admin.query(request)
        statement = self._search(request, statement)
        for applied in self.state.filters:
            statement = statement.where(applied.condition())
        self.statement: sa.Select[Any] = statement
        self._joins: list[tuple[Any, Any]] = []
        self.keys = self._sort_keys()
        return self._columns, self.statement, self._joins, self.keys

    def _search(self, request: Request | None, statement: sa.Select[Any]) -> sa.Select[Any]:
        term = self.state.search
        if not term:
            return statement
        admin = self.model_admin
        if not admin.searchable:
            self.notices.append(
                f"{admin.label_plural.capitalize()} have no column to search; "
                "the search was ignored."
            )
            return statement
        return admin.search(request, statement, term)

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
        identity map, no instance state), and reads the same through attribute names. A
        query of the ModelAdmin's own is read as the objects it selects: the joins and
        loader options it may add are for them.
        """
        admin = self.model_admin
        shown = [f for f in admin.list_fields if f.name in self.state.columns]
        if (
            admin.overrides("row_label")
            or admin.overrides("query")
            or not all(map(is_plain_column, shown))
        ):
            return None
        names = list(admin.info.columns)
        if any(
            name.startswith(("_", SORT_KEY)) or hasattr(sa.Row, name) for name in names
        ):  # a name a row's own attributes (count, index...) or the sort keys would hide
            return None
        return names

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
        columns then opens no Session when the request has none open yet. A cursor that
        cannot be read gives the first page, with a notice.
        """
        if session is None and self._request is None:
            raise TypeError(
                "ListQuery.page() needs a session: this query was made without a request"
            )
        size = self.state.page_size
        notices = list(self.notices)
        boundary = None
        token = self.state.after or self.state.before
        if token:
            try:
                boundary = decode_cursor(self.keys, token)
            except ValueError as error:
                notices.append(f"{error}; showing the first page.")
        if boundary is not None and self.state.before:
            rows = self._fetch(session, boundary, forward=False, limit=size + 1)
            more = len(rows) > size
            if more:
                return self._page(rows[1:], notices, previous=True, following=True)
        elif boundary is None and self.state.last:
            rows = self._fetch(session, None, forward=False, limit=size + 1)
            more = len(rows) > size
            return self._page(rows[1:] if more else rows, notices, previous=more, following=False)
        elif boundary is not None:
            rows = self._fetch(session, boundary, forward=True, limit=size + 1)
            more = len(rows) > size
            return self._page(rows[:size], notices, previous=True, following=more)
        rows = self._fetch(session, None, forward=True, limit=size + 1)
        return self._page(rows[:size], notices, previous=False, following=len(rows) > size)

    def _page(
        self, rows: list[Any], notices: list[str], *, previous: bool, following: bool
    ) -> Page:
        return Page(
            rows=rows if self._columns is not None else [row[0] for row in rows],
            reader=self._reader,
            next_cursor=self._cursor(rows[-1]) if following and rows else None,
            previous_cursor=self._cursor(rows[0]) if previous and rows else None,
            is_first=not previous,
            is_last=not following,
            notices=notices,
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
            unfiltered=self.statement.whereclause is None and not admin.overrides("query"),
        )


def _customised(model_admin: ModelAdmin, state: ListState) -> bool:
    """True when a hook of the ModelAdmin's own builds part of this state's statement: its
    query or scope, or its search when there is a term to search."""
    return (
        model_admin.overrides("query")
        or model_admin.overrides("scope")
        or (bool(state.search) and model_admin.overrides("search"))
    )
