"""The data behind the create, edit, delete and cell-edit pages: fields, originals, dependents.

Each function takes the request (for its sessions, configuration, permissions and the
Admin's cache) or a session, and a ModelAdmin, and returns what the template (or a test)
needs, so the views in `edit/views.py` and `edit/field_views.py` stay thin.
"""

from __future__ import annotations

import copy
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from dashkit.admin.access import admin_of
from dashkit.admin.cells import cell_editable
from dashkit.admin.edit.forms import (
    Field,
    ForeignKeyField,
    ManyToManyField,
    StringField,
    fields_for,
    row_label,
)
from dashkit.admin.edit.forms.choices import LabelJoin, Option, Targets, joins_label
from dashkit.admin.edit.integrity import MISSING_REFERENCE
from dashkit.admin.edit.originals import read_originals, sign_originals, snapshot
from dashkit.admin.edit.writes import row_values, snapshot_keys
from dashkit.admin.rows import (
    RowNotFound,
    by_key,
    find_row,
    has_own_scope,
    key_arguments,
    scoped,
    scoped_select,
)
from dashkit.auth import has_permission

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request

DEPENDENT_SAMPLES = 5


def app_timezone(request: Request) -> zoneinfo.ZoneInfo:
    """The zone naive form input is read in: config TIMEZONE, default UTC."""
    return zoneinfo.ZoneInfo(request.app.config.get_str("TIMEZONE") or "UTC")


def form_fields(request: Request, model_admin: ModelAdmin, *, creating: bool) -> list[Field]:
    """The fields of the create or edit form, honouring `form_fields`, `exclude`, read-only ones.

    Primary key columns are typed in on create (when the database does not generate
    them) and fixed on edit. Kept in the Admin's cache per ModelAdmin: fields hold no
    request state.
    """
    return admin_of(request).cache.get_or_build(
        "form_fields", (model_admin, creating), lambda: _form_fields(request, model_admin, creating)
    )


def _form_fields(request: Request, model_admin: ModelAdmin, creating: bool) -> list[Field]:
    skipped = set(model_admin.exclude) | set(model_admin.readonly_fields)
    fields = fields_for(
        model_admin.model,
        only=model_admin.form_fields,
        exclude=skipped,
        timezone=app_timezone(request),
        dialect=request.db.get_bind(sa.inspect(model_admin.model)).dialect.name,
    )
    fields = [_chosen_widget(model_admin, item) for item in fields]
    return fields if creating else [item for item in fields if not item.primary_key]


TEXT_WIDGETS = ("text", "textarea")


def _chosen_widget(model_admin: ModelAdmin, item: Field) -> Field:
    """Apply `ModelAdmin.widgets`: a Field instance replaces the derived one (e.g. a
    ChoiceField with fixed choices); "text" or "textarea" switches a string field's widget."""
    choice = model_admin.widgets.get(item.name)
    if choice is None:
        return item
    if isinstance(choice, Field):
        return choice
    if choice in TEXT_WIDGETS and isinstance(item, StringField):
        switched = copy.copy(item)
        switched.widget = choice
        return switched
    raise model_admin.error(
        "widgets",
        f"{item.name!r}: use a form Field (dashkit.admin.edit.forms) or one of "
        f"{', '.join(TEXT_WIDGETS)} for a text column, not {choice!r}",
    )


def cell_field(request: Request, model_admin: ModelAdmin, name: str) -> Field | None:
    """The field for editing one list cell in place, when that column allows it
    (`cells.cell_editable`)."""
    if not cell_editable(model_admin, name):
        return None
    matches = [
        item for item in form_fields(request, model_admin, creating=False) if item.name == name
    ]
    return matches[0] if matches else None


def relation_targets(
    request: Request, read_with_row: dict[str, tuple[Any, list[Option]]] | None = None
) -> Targets:
    """Where this request's relation widgets find their options: a target model registered
    in the admin is filtered by its scope, and offers nothing to a user who may not view it.

    `read_with_row` holds the chosen options `row_for_form` read with the row."""
    admin = admin_of(request)

    def restrict(target: type, statement: sa.Select[Any]) -> sa.Select[Any]:
        target_admin = admin.for_model(target)
        if target_admin is None:
            return statement
        if not has_permission(request, target_admin.permission("view")):
            return statement.where(sa.false())
        return scoped(request, target_admin, statement)

    return Targets(request.db, admin.cache, restrict, read_with_row or {})


def row_for_form(
    request: Request, model_admin: ModelAdmin, pk: tuple[Any, ...], fields: list[Field]
) -> tuple[Any, dict[str, tuple[Any, list[Option]]]]:
    """The row an edit form shows and, in the same query, the chosen rows' labels of its
    foreign keys drawn as autocompletes (see `LabelJoin`), for `relation_targets`.

    Raises `RowNotFound`. A ModelAdmin with a scope of its own loads the row as every
    other page does (`rows.find_row`), and the form reads the labels itself.
    """
    targets = relation_targets(request)
    joined = tuple(
        item
        for item in fields
        if isinstance(item, ForeignKeyField) and joins_label(targets, model_admin.model, item)
    )
    read: dict[str, tuple[Any, list[Option]]] = {}
    if not joined or has_own_scope(model_admin):
        obj = find_row(request, model_admin, pk)
    else:
        obj, read = _read_with_labels(request, model_admin, pk, joined)
    if obj is None:
        raise RowNotFound(f"no {model_admin.model.__name__} with key {list(pk)!r}")
    return obj, read


def _read_with_labels(
    request: Request,
    model_admin: ModelAdmin,
    pk: tuple[Any, ...],
    joined: tuple[ForeignKeyField, ...],
) -> tuple[Any, dict[str, tuple[Any, list[Option]]]]:
    nulls = tuple(value is None for value in pk)
    statement, joins = admin_of(request).cache.get_or_build(
        "row_with_labels",
        (model_admin, joined, nulls),
        lambda: _row_with_labels(request, model_admin, pk, joined),
    )
    found = request.db.execute(statement, key_arguments(pk)).first()
    if found is None:
        return None, {}
    obj, values = found[0], found[1:]
    read: dict[str, tuple[Any, list[Option]]] = {}
    for join in joins:
        width = len(join.columns)
        read[join.field.name] = join.read(getattr(obj, join.field.name), values[:width])
        values = values[width:]
    return obj, read


def _row_with_labels(
    request: Request,
    model_admin: ModelAdmin,
    pk: tuple[Any, ...],
    fields: tuple[ForeignKeyField, ...],
) -> tuple[sa.Select[Any], list[LabelJoin]]:
    """The row's `by_key` statement with the label columns of `fields` joined."""
    model = model_admin.model
    joins = [LabelJoin(model, item) for item in fields]
    statement = by_key(scoped_select(request, model_admin), model, pk)
    for join in joins:
        statement = statement.outerjoin(join.table, join.onclause).add_columns(*join.columns)
    return statement, joins


def unreachable_targets(
    request: Request,
    fields: list[Field],
    values: Mapping[str, Any],
    current: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Errors for relation fields whose newly chosen rows this user cannot see (outside the
    target's scope, or no permission to view it): a crafted post must not reach them.
    Keys kept from `current` stay allowed."""
    targets = relation_targets(request)
    errors: dict[str, str] = {}
    for item in fields:
        if not isinstance(item, (ForeignKeyField, ManyToManyField)) or item.name not in values:
            continue
        wanted = values[item.name]
        before = (current or {}).get(item.name)
        kept = set(before) if isinstance(before, list) else {before}
        new = [key for key in (wanted if isinstance(wanted, list) else [wanted]) if key is not None]
        new = [key for key in new if key not in kept]
        if not new:
            continue
        column = getattr(item.target, item.target_key)
        statement = targets.select(item).with_only_columns(column).where(column.in_(new))
        if set(new) - set(request.db.scalars(statement)):
            errors[item.name] = MISSING_REFERENCE  # the same answer as for a row that is gone
    return errors


def secret(request: Request) -> str:
    """The key the form's originals are signed with."""
    return request.app.config.require("SECRET_KEY")


def originals_token(
    request: Request, model_admin: ModelAdmin, pk: tuple[Any, ...], obj: Any, keys: list[str]
) -> str:
    """The signed snapshot of `obj` for a form showing `keys`."""
    keys = snapshot_keys(model_admin.model, keys)
    return sign_originals(secret(request), model_admin.slug, pk, snapshot(row_values(obj, keys)))


def posted_originals(
    request: Request, model_admin: ModelAdmin, pk: tuple[Any, ...]
) -> dict[str, Any]:
    """The snapshot the posted form carries; raises `BadOriginals`."""
    token = request.form.get("_originals")
    return read_originals(secret(request), token, model_admin.slug, pk)


@dataclass
class Dependents:
    """Rows of another table that refer to the row about to be deleted."""

    table: str
    label: str
    count: int
    more: bool
    samples: list[str]


def dependents(session: Session, model_admin: ModelAdmin, obj: Any) -> list[Dependents]:
    """For each foreign key pointing at this row's table: how many rows (bounded) and a few names."""
    mapper: Mapper[Any] = sa.inspect(model_admin.model)
    table = mapper.local_table
    found: list[Dependents] = []
    for other in mapper.registry.mappers:
        other_table = other.local_table
        for constraint in getattr(other_table, "foreign_key_constraints", ()):
            if constraint.referred_table is not table:
                continue
            conditions = [
                element.parent == getattr(obj, mapper.get_property_by_column(element.column).key)
                for element in constraint.elements
            ]
            limit = 100
            rows = session.scalars(
                sa.select(other.class_).where(*conditions).limit(limit + 1)
            ).all()
            if not rows:
                continue
            found.append(
                Dependents(
                    table=other_table.name,
                    label=other.class_.__name__,
                    count=min(len(rows), limit),
                    more=len(rows) > limit,
                    samples=[row_label(row) for row in rows[:DEPENDENT_SAMPLES]],
                )
            )
    return found


def display_value(item: Field, value: Any) -> str:
    """A stored value as the conflict page shows it."""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    text = item.format(value)
    return text if text != "" else "—"
