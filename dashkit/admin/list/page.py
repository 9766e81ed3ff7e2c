"""A model's list page as data: what `list_page` works out from the request and the ModelAdmin.

`ListPage` holds everything the page shows, values ready to show and URLs ready to link,
and no HTML: the whole page and its htmx fragment are drawn from it by the templates
`admin/list.html` and `admin/_list/*.html`, and anything else (an export, the JSON API)
may read it as plain data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, quote_plus, urlencode

from dashkit.admin.display import Choice
from dashkit.admin.list.access import ListAccess, list_access
from dashkit.admin.list.filters import FilterControl, filter_controls
from dashkit.admin.list.query import ListQuery
from dashkit.admin.list.records import Page
from dashkit.admin.list.state import ListState, read_list_state
from dashkit.admin.list.table import Column, Row, TableLinks, table_rows
from dashkit.admin.urls import UrlParts, encode_args, fixed_url, list_url, with_args, with_query

if TYPE_CHECKING:
    from dashkit.admin.display import DisplayField
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request

EXPORT_FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Pager:
    """The links to the neighbouring pages (None where there is no such page) and the count."""

    first_url: str | None
    previous_url: str | None
    next_url: str | None
    last_url: str | None
    count_url: str
    """Where the rows of the list (every page of it) are counted."""
    previous_cursor: str | None
    next_cursor: str | None


@dataclass(frozen=True)
class ListLinks:
    """The pages around the list that the user may reach from it."""

    action: str
    """Where the bulk actions' form posts."""
    views: str
    """The saved views, with this list's state to save."""
    exports: dict[str, str]
    """Export format (csv, json) -> this list's rows in it; empty when the user may not export."""
    create: str | None
    """The form adding a row, when the user may add rows."""


@dataclass(frozen=True)
class ListPage:
    """One page of a model's list, as the user may see and use it."""

    slug: str
    title: str
    """The page's heading: the model's plural label, capitalised."""
    label: str
    label_plural: str
    read_only: bool
    read_only_reason: str
    url: str
    """The list without arguments: its first page in the default order."""
    current_url: str
    """This page's own URL: where htmx points the address bar and actions come back to."""
    search: str
    searchable: bool
    """The model has columns to search: the page offers a search box."""
    sort: str
    """The order shown, as the `sort` argument writes it (`-total`)."""
    sort_chosen: bool
    """The URL chose the order (the default order is not written into the URL)."""
    customised: bool
    """Search, filters, columns or order differ from the default: the page offers a reset."""
    columns: list[Column]
    rows: list[Row]
    can_change: bool
    """The user may change rows: each row links to its edit form."""
    edits_in_place: bool
    """Some column's cells are edited in place: each row carries its key for them."""
    pager: Pager
    notices: list[str]
    """What the page ignored of its URL, said to the user."""
    filters: list[FilterControl]
    filters_applied: int
    column_choices: list[Choice]
    page_sizes: list[Choice]
    actions: list[Choice]
    """The bulk actions the user may run on the rows they select (none: no select boxes)."""
    links: ListLinks


def list_page(request: Request, model_admin: ModelAdmin) -> ListPage:
    """The list page the request's URL asks for, as its user may see it."""
    state = read_list_state(model_admin, request.args)
    page = ListQuery(model_admin, state, request).page()
    fields = [field for field in model_admin.list_fields if field.name in state.columns]
    base_url = list_url(request, model_admin)
    # the first page's URL has no position, whatever led to it (a stale cursor included)
    current_url = with_args(
        base_url, state.query_args() if page.is_first else state.location_args()
    )
    access = list_access(request, model_admin, base_url)
    arguments = encode_args(state.query_args())  # the state without its position, encoded once
    sort = state.sort or model_admin.default_ordering[0]

    def admin_url(endpoint: str, **values: str) -> str:
        """This model's pages, by endpoint and names from its options."""
        return fixed_url(request, endpoint, slug=model_admin.slug, **values)

    columns = _columns(
        fields,
        sort,
        _sort_urls(state, sort, fields, base_url),
        _editors(access, fields, current_url, base_url),
    )
    links = TableLinks(detail=access.detail, related=access.related, edit=access.edit)
    count_url = with_query(admin_url("admin.count"), arguments)
    return ListPage(
        slug=model_admin.slug,
        title=model_admin.label_plural.capitalize(),
        label=model_admin.label,
        label_plural=model_admin.label_plural,
        read_only=model_admin.read_only,
        read_only_reason=model_admin.read_only_reason or "",
        url=base_url,
        current_url=current_url,
        search=state.search,
        searchable=model_admin.searchable,
        sort=f"-{sort[0]}" if sort[1] else sort[0],
        sort_chosen=state.sort is not None,
        customised=state.is_filtered or state.custom_columns or state.sort is not None,
        columns=columns,
        rows=table_rows(page, fields, columns, links, labelled=bool(access.actions)),
        can_change=access.edit is not None,
        edits_in_place=any(column.editor for column in columns),
        pager=_pager(page, base_url, arguments, count_url),
        notices=[*state.notices, *page.notices],
        filters=filter_controls(
            model_admin.filters,
            state.filters,
            lambda name: admin_url("admin.autocomplete", field=name),
        ),
        filters_applied=len(state.filters),
        column_choices=[
            Choice(field.name, field.label, field.name in state.columns)
            for field in model_admin.list_fields
        ],
        page_sizes=[
            Choice(str(size), str(size), size == state.page_size)
            for size in model_admin.page_size_choices
        ],
        actions=[Choice(name, action.label) for name, action in access.actions.items()],
        links=ListLinks(
            action=admin_url("admin.action"),
            views=with_query(
                admin_url("admin.saved_views"),
                "query=" + quote(request.query_string, safe="/") if request.query_string else "",
            ),
            exports={
                fmt: with_query(admin_url("admin.export", fmt=fmt), arguments)
                for fmt in (EXPORT_FORMATS if access.can_export else ())
            },
            create=admin_url("admin.create") if access.can_add else None,
        ),
    )


def _columns(
    fields: list[DisplayField],
    sort: tuple[str, bool],
    sort_urls: dict[str, str],
    editors: dict[str, UrlParts],
) -> list[Column]:
    sorted_name, descending = sort
    order = "descending" if descending else "ascending"
    return [
        Column(
            name=field.name,
            label=field.label,
            kind=field.kind,
            sort_url=sort_urls.get(field.name),
            sorted=order if field.name == sorted_name else None,
            editor=editors.get(field.name),
            heading=index == 0,
        )
        for index, field in enumerate(fields)
    ]


def _sort_urls(
    state: ListState, sort: tuple[str, bool], fields: list[DisplayField], base_url: str
) -> dict[str, str]:
    """Each sortable column's header link: sorted by it from the first page; a second click
    on the sorted column reverses it. The state's other arguments are encoded once."""
    others = with_args(base_url, state.query_args(sort=None))
    joiner = "&" if "?" in others else "?"
    urls = {}
    for field in fields:
        if field.sortable:
            value = f"-{field.name}" if sort == (field.name, False) else field.name
            urls[field.name] = f"{others}{joiner}sort={quote_plus(value)}"
    return urls


def _editors(
    access: ListAccess, fields: list[DisplayField], current_url: str, base_url: str
) -> dict[str, UrlParts]:
    """The in-place editor of each editable shown column, coming back to this list."""
    back = "" if current_url == base_url else "?" + urlencode({"next": current_url})
    editors = {}
    for field in fields[1:]:  # the first column links to the row's page
        if field.name in access.editors:
            before, after = access.editors[field.name]
            editors[field.name] = (before, after + back)
    return editors


def _pager(page: Page, base_url: str, arguments: str, count_url: str) -> Pager:
    """First, previous, next and last page; `arguments` are the state's, encoded, to which
    each link adds its position."""

    def at(position: str) -> str:
        return with_query(base_url, arguments, position)

    return Pager(
        first_url=None if page.is_first else at(""),
        previous_url=None
        if page.previous_cursor is None
        else at(urlencode({"before": page.previous_cursor})),
        next_url=None if page.next_cursor is None else at(urlencode({"after": page.next_cursor})),
        last_url=None if page.is_last else at("last=1"),
        count_url=count_url,
        previous_cursor=page.previous_cursor,
        next_cursor=page.next_cursor,
    )
