"""A row's page: every column as shown, its foreign keys as links, its children and history.

`detail_page` computes a `DetailPage` (plain data: text, URLs, flags; no markup) from the
request, the ModelAdmin and the URL's key; `admin/detail.html` draws it from the parts
`admin/_detail/fields.html` and `admin/_detail/related.html`, each of which a model may
override as `admin/<slug>/...`. A JSON rendering can serialise the same object.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from dashkit.admin.access import admin_of, can_write, link_target, model_admin_for
from dashkit.admin.display import humanize
from dashkit.admin.keys import encode_pk, pk_of
from dashkit.admin.rows import get_row, row_key, scoped_select
from dashkit.admin.templates import page_template
from dashkit.admin.urls import list_url, path_segment, url_around
from dashkit.audit import history
from dashkit.auth import has_permission
from dashkit.http import Response
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.admin.registry import Admin
    from dashkit.http import Request
    from dashkit.routing import Blueprint

PARTS = ("fields", "related")
"""The parts of `admin/detail.html`, each `admin/_detail/<part>.html` unless overridden."""


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/<slug>/<pk>/", "detail", detail)


@dataclass(frozen=True)
class FieldValue:
    """One column of the row as the page shows it."""

    name: str
    label: str
    kind: str
    """The column's kind (`ColumnInfo.kind`): text and JSON show as a block."""
    text: Any
    """The value formatted for display (text, or Markup from a formatter); None when empty."""
    url: str | None = None
    """For a foreign key: the detail page of the row it points to, when the user may view it."""


@dataclass(frozen=True)
class RelatedLink:
    """A child row: its label and its detail page."""

    label: str
    url: str


@dataclass(frozen=True)
class RelatedRows:
    """The first rows of a one-to-many relation, and the list holding all of them."""

    label: str
    slug: str
    """The child model's slug."""
    rows: list[RelatedLink]
    more: bool
    """True when there are more rows than shown."""
    list_url: str | None
    """The child list filtered to this row, when the child model can filter by the key."""


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of the row, as `admin/_history.html` shows it."""

    action: str
    username: str | None
    occurred_at: datetime
    changes: dict[str, Any]
    """Field name -> {"before": ..., "after": ...}, values as the audit trail stores them."""


@dataclass(frozen=True)
class DetailPage:
    """Everything a row's page shows, ready to draw or to serialise."""

    slug: str
    label: str
    """The model's label ("order"), for the heading."""
    label_plural: str
    """The models' plural label ("orders"), for the way back to the list."""
    row_label: str
    pk: str
    """The row's key as one URL path segment (`keys.encode_pk`)."""
    title: str
    fields: list[FieldValue]
    related: list[RelatedRows]
    history: list[HistoryEntry]
    back_url: str
    edit_url: str | None
    """The edit form, when the model is writable and the user may change rows."""
    delete_url: str | None
    """The delete confirmation, when the model is writable and the user may delete rows."""
    read_only: bool
    read_only_reason: str


def detail_page(request: Request, model_admin: ModelAdmin, pk: str) -> DetailPage:
    """The page of the row the URL's `pk` names; 404 when the user may not see it."""
    row = get_row(request, model_admin, row_key(model_admin, pk))
    admin = admin_of(request)
    key = pk_of(model_admin, row)
    row_label = model_admin.row_label(row)
    return DetailPage(
        slug=model_admin.slug,
        label=model_admin.label,
        label_plural=model_admin.label_plural,
        row_label=row_label,
        pk=key,
        title=f"{model_admin.label.capitalize()}: {row_label}",
        fields=_fields(request, admin, model_admin, row),
        related=_related_rows(request, admin, model_admin, row),
        history=[
            HistoryEntry(event.action, event.username, event.occurred_at, event.changes or {})
            for event in history(request.state_db, model_admin.slug, key)
        ],
        back_url=list_url(request, model_admin),
        edit_url=_row_url(request, model_admin, "admin.edit", key)
        if can_write(request, model_admin, "change", "admin.edit")
        else None,
        delete_url=_row_url(request, model_admin, "admin.delete", key)
        if can_write(request, model_admin, "delete", "admin.delete")
        else None,
        read_only=model_admin.read_only,
        read_only_reason=model_admin.read_only_reason,
    )


def _row_url(request: Request, model_admin: ModelAdmin, endpoint: str, key: str) -> str:
    before, after = url_around(request, endpoint, "pk", slug=model_admin.slug)
    return before + path_segment(key) + after


def _fields(request: Request, admin: Admin, model_admin: ModelAdmin, row: Any) -> list[FieldValue]:
    shown = []
    for name in model_admin.info.columns:
        field = model_admin.field(name)
        if field is None:
            continue
        value = field.value(row)
        url = None
        target = link_target(request, admin, model_admin, field)
        if target is not None and value is not None:
            url = _row_url(request, target, "admin.detail", encode_pk([value]))
        text = None if value is None else field.display(row)
        shown.append(FieldValue(field.name, field.label, field.kind, text, url))
    return shown


def _related_rows(
    request: Request, admin: Admin, model_admin: ModelAdmin, row: Any
) -> list[RelatedRows]:
    relations = [
        relation
        for relation in model_admin.info.relations.values()
        if relation.direction == "one_to_many" and len(relation.remote_columns) == 1
    ]
    targets = Counter(relation.target for relation in relations)
    shown = model_admin.detail_relation_rows
    result = []
    for relation in relations:
        target = admin.for_model(relation.target)
        if target is None or not has_permission(request, target.permission("view")):
            continue
        remote = relation.remote_columns[0]
        value = getattr(row, relation.local_columns[0])
        column = target.info.columns[remote].attribute
        statement = scoped_select(request, target).where(column == value)
        statement = statement.order_by(*sa.inspect(target.model).primary_key)
        children = list(request.db.scalars(statement.limit(shown + 1)))
        url = None
        if remote in target.filters:
            url = list_url(request, target, MultiDict({f"f.{remote}": str(value)}))
        # a child model reached one way is named by its plural; several ways, by relation
        label = (
            target.label_plural.capitalize()
            if targets[relation.target] == 1
            else humanize(relation.name)
        )
        before, after = url_around(request, "admin.detail", "pk", slug=target.slug)
        links = [
            RelatedLink(
                target.row_label(child), before + path_segment(pk_of(target, child)) + after
            )
            for child in children[:shown]
        ]
        result.append(RelatedRows(label, target.slug, links, len(children) > shown, url))
    return result


def detail(request: Request, slug: str, pk: str) -> Response:
    model_admin = model_admin_for(request, slug, "view")
    page = detail_page(request, model_admin, pk)
    parts = {part: page_template(request, model_admin, f"_detail/{part}") for part in PARTS}
    return render(
        request,
        page_template(request, model_admin, "detail"),
        page=page,
        parts=parts,
        page_title=page.title,
    )
