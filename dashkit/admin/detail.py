"""A row's page: every column formatted, its foreign keys as links, its children and history."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import MultiDict

from dashkit.admin.access import admin_of, can_write, link_target, model_admin_for
from dashkit.admin.display import humanize
from dashkit.admin.keys import encode_pk, pk_of
from dashkit.admin.rows import get_row, row_key, scoped_select
from dashkit.admin.templates import page_template
from dashkit.admin.urls import list_url
from dashkit.audit import history
from dashkit.auth import has_permission
from dashkit.http import Response
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.admin.registry import Admin
    from dashkit.http import Request
    from dashkit.routing import Blueprint


def register_routes(blueprint: Blueprint) -> None:
    blueprint.add_url_rule("/<slug>/<pk>/", "detail", detail)


@dataclass
class RelatedRows:
    """The first rows of a one-to-many relation on a detail page, and the list holding all."""

    label: str
    target: ModelAdmin
    rows: list[Any]
    more: bool
    list_url: str | None


def detail_context(request: Request, model_admin: ModelAdmin, pk: str) -> dict[str, Any]:
    """A row with every column formatted, its foreign keys as links, and its children."""
    row = get_row(request, model_admin, row_key(model_admin, pk))
    admin = admin_of(request)
    fields = [model_admin.field(name) for name in model_admin.info.columns]
    links = {
        field.name: link_target(request, admin, model_admin, field) for field in fields if field
    }
    return {
        "model_admin": model_admin,
        "row": row,
        "pk": pk,
        "fields": fields,
        "links": links,
        "related": _related_rows(request, admin, model_admin, row),
        "key_text": lambda value: encode_pk([value]),
        "child_pk": pk_of,
        "can_change": can_write(request, model_admin, "change", "admin.edit"),
        "can_delete": can_write(request, model_admin, "delete", "admin.delete"),
        "history": history(request.state_db, model_admin.slug, pk),
        "page_title": f"{model_admin.label.capitalize()}: {model_admin.row_label(row)}",
        "back_url": list_url(request, model_admin),
    }


def _related_rows(
    request: Request, admin: Admin, model_admin: ModelAdmin, row: Any
) -> list[RelatedRows]:
    result = []
    relations = [
        relation
        for relation in model_admin.info.relations.values()
        if relation.direction == "one_to_many" and len(relation.remote_columns) == 1
    ]
    targets = Counter(relation.target for relation in relations)
    for relation in relations:
        target = admin.for_model(relation.target)
        if target is None or not has_permission(request, target.permission("view")):
            continue
        remote = relation.remote_columns[0]
        value = getattr(row, relation.local_columns[0])
        column = target.info.columns[remote].attribute
        statement = scoped_select(request, target).where(column == value)
        statement = statement.order_by(
            *(target.info.columns[k].attribute for k in target.info.primary_key)
        )
        children = list(request.db.scalars(statement.limit(model_admin.detail_relation_rows + 1)))
        url = None
        if remote in target.filters:
            url = list_url(request, target, MultiDict({f"f.{remote}": str(value)}))
        more = len(children) > model_admin.detail_relation_rows
        # a child model reached one way is named by its plural; several ways, by relation
        label = (
            target.label_plural.capitalize()
            if targets[relation.target] == 1
            else humanize(relation.name)
        )
        result.append(
            RelatedRows(
                label,
                target,
                children[: model_admin.detail_relation_rows],
                more,
                url,
            )
        )
    return result


def detail(request: Request, slug: str, pk: str) -> Response:
    model_admin = model_admin_for(request, slug, "view")
    context = detail_context(request, model_admin, pk)
    return render(request, page_template(request, model_admin, "detail"), **context)  # type: ignore[arg-type]
