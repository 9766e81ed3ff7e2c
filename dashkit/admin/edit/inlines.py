"""One-to-many children edited on the parent's form (`ModelAdmin.inlines`), a page at a time.

Each child row posts its fields under a prefix (`lines-0-qty`), with a signed snapshot
that names the row and guards it against lost updates exactly like the parent's form.
The parent and all its children are saved in one savepoint by the edit view. A child row
is written through the hooks of its own model's ModelAdmin when that model is registered
(its `on_save`, `on_delete`...), as if it were edited on its own pages; the parent's hooks
run for the parent only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, RelationshipProperty
from werkzeug.datastructures import MultiDict

from dashkit.admin.access import admin_of
from dashkit.admin.edit import form_data
from dashkit.admin.edit.forms import (
    BoundField,
    Field,
    FormResult,
    bind_fields,
    coerce_form,
    fields_for,
)
from dashkit.admin.edit.integrity import IntegrityRefusal
from dashkit.admin.edit.originals import BadOriginals, read_row_token, sign_originals, snapshot
from dashkit.admin.edit.writes import (
    ConflictError,
    Hooks,
    create_row,
    delete_row,
    primary_key_of,
    row_values,
    snapshot_keys,
    update_row,
)
from dashkit.admin.errors import WriteRefused
from dashkit.admin.keys import encode_pk
from dashkit.admin.rows import RowNotFound, load_row
from dashkit.audit import CREATE, DELETE, UPDATE

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request

PAGE_SIZE = 10
NEW_ROWS = 2

AuditEntry = tuple[str, str, str, dict[str, tuple[Any, Any]]]


@dataclass
class InlineRow:
    """One child row of the form: an existing one (with its signed snapshot) or a blank new one."""

    prefix: str
    fields: list[BoundField]
    token: str = ""
    pk_text: str = ""
    delete: bool = False
    result: FormResult | None = None
    pk: tuple[Any, ...] | None = None
    originals: dict[str, Any] = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return not self.token

    @property
    def has_errors(self) -> bool:
        return bool(self.result and self.result.errors)


class ChildConflict(ConflictError):
    """A child row changed or vanished since the parent's form was loaded."""

    def __init__(self, label: str, pk_text: str, conflict: ConflictError):
        super().__init__(conflict.current, conflict.submitted, conflict.fields)
        gone = conflict.current is None
        what = "was deleted" if gone else f"changed ({', '.join(conflict.fields)})"
        self.message = (
            f"Row {pk_text} of {label.lower()} {what} after you loaded this page; nothing was "
            "saved. The rows below are as they are now: apply your changes to them again."
        )

    def __str__(self) -> str:
        return self.message


@dataclass
class InlineSet:
    """The children of one relationship shown on the parent's form."""

    name: str
    label: str
    headers: list[str]
    rows: list[InlineRow]
    page: int
    has_next: bool
    errors: list[str] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(row.has_errors for row in self.rows)


def _relationship(model_admin: ModelAdmin, name: str) -> RelationshipProperty[Any]:
    mapper: Mapper[Any] = sa.inspect(model_admin.model)
    return mapper.relationships[name]


def _links(relationship: RelationshipProperty[Any]) -> list[tuple[str, str]]:
    """(parent attribute, child attribute) pairs joining a child to its parent."""
    parent: Mapper[Any] = relationship.parent
    child: Mapper[Any] = relationship.mapper
    return [
        (parent.get_property_by_column(local).key, child.get_property_by_column(remote).key)
        for local, remote in relationship.local_remote_pairs
    ]


def _child_fields(
    request: Request, relationship: RelationshipProperty[Any], *, creating: bool
) -> list[Field]:
    linked = {child_key for _, child_key in _links(relationship)}
    fields = fields_for(
        relationship.mapper.class_,
        exclude=linked,
        timezone=form_data.app_timezone(request),
        dialect=request.db.get_bind(relationship.mapper).dialect.name,
    )
    return fields if creating else [item for item in fields if not item.primary_key]


def _sub_form(form: MultiDict[str, str], prefix: str) -> MultiDict[str, str]:
    return MultiDict(
        [
            (key[len(prefix) :], value)
            for key, value in form.items(multi=True)
            if key.startswith(prefix)
        ]
    )


def _child_model_name(relationship: RelationshipProperty[Any]) -> str:
    return relationship.mapper.local_table.name


def inline_sets(
    request: Request,
    model_admin: ModelAdmin,
    parent: Any,
    posted: MultiDict[str, str] | None = None,
) -> list[InlineSet]:
    """The inline tables of `parent`'s form: a page of children plus blank rows; with `posted`,
    the user's input coerced (errors included) for saving or showing again."""
    sets = []
    for name in model_admin.inlines:
        relationship = _relationship(model_admin, name)
        existing_fields = _child_fields(request, relationship, creating=False)
        new_fields = _child_fields(request, relationship, creating=True)
        page_text = (posted or request.args).get(f"{name}-_page", "1")
        page = max(1, int(page_text)) if page_text.isdigit() else 1
        rows: list[InlineRow] = []
        errors: list[str] = []
        if posted is None:
            children, has_next = _page_of_children(request, relationship, parent, page)
            for index, obj in enumerate(children):
                rows.append(
                    _existing_row(
                        request, relationship, f"{name}-{index}-", obj, existing_fields, new_fields
                    )
                )
        else:
            has_next = posted.get(f"{name}-_has_next") == "1"
            index = 0
            while f"{name}-{index}-_originals" in posted and index < PAGE_SIZE:
                row = _posted_existing(
                    request,
                    relationship,
                    parent,
                    posted,
                    f"{name}-{index}-",
                    existing_fields,
                    new_fields,
                )
                if row is None:
                    errors.append(
                        "A row of this table was deleted or changed meanwhile; reload the page."
                    )
                else:
                    rows.append(row)
                index += 1
        for number in range(NEW_ROWS):
            prefix = f"{name}-new{number}-"
            row = InlineRow(prefix=prefix, fields=[])
            if posted is not None:
                sub = _sub_form(posted, prefix)
                if any(value.strip() for value in sub.values()):
                    row.result = coerce_form(new_fields, sub, creating=True)
                    row.result.errors.update(
                        form_data.unreachable_targets(request, new_fields, row.result.values)
                    )
            row.fields = bind_fields(
                form_data.relation_targets(request),
                new_fields,
                {},
                raw=row.result.raw if row.result else None,
                errors=row.result.errors if row.result else None,
            )
            rows.append(row)
        sets.append(
            InlineSet(
                name=name,
                label=name.replace("_", " ").capitalize(),
                headers=[item.label for item in new_fields],
                rows=rows,
                page=page,
                has_next=has_next,
                errors=errors,
            )
        )
    return sets


def _page_of_children(
    request: Request, relationship: RelationshipProperty[Any], parent: Any, page: int
) -> tuple[list[Any], bool]:
    child: Mapper[Any] = relationship.mapper
    conditions = [
        getattr(child.class_, child_key) == getattr(parent, parent_key)
        for parent_key, child_key in _links(relationship)
    ]
    statement = (
        sa.select(child.class_)
        .where(*conditions)
        .order_by(*child.primary_key)
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    )
    rows = list(request.db.scalars(statement))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _bind_existing(
    request: Request,
    obj: Any,
    editable: list[Field],
    shown: list[Field],
    result: FormResult | None = None,
) -> list[Any]:
    """All columns of a child row; the key columns (not editable once created) as text."""
    editable_names = {item.name for item in editable}
    fixed = [item.name for item in shown if item.name not in editable_names]
    values = row_values(obj, [item.name for item in shown])
    return bind_fields(
        form_data.relation_targets(request),
        shown,
        values,
        raw=result.raw if result else None,
        errors=result.errors if result else None,
        read_only=fixed,
    )


def _existing_row(
    request: Request,
    relationship: RelationshipProperty[Any],
    prefix: str,
    obj: Any,
    fields: list[Field],
    shown: list[Field],
) -> InlineRow:
    pk = primary_key_of(obj)
    keys = snapshot_keys(type(obj), [item.name for item in fields])
    token = sign_originals(
        form_data.secret(request),
        _child_model_name(relationship),
        pk,
        snapshot(row_values(obj, keys)),
    )
    return InlineRow(
        prefix=prefix,
        fields=_bind_existing(request, obj, fields, shown),
        token=token,
        pk_text=encode_pk(pk),
        pk=pk,
    )


def _posted_existing(
    request: Request,
    relationship: RelationshipProperty[Any],
    parent: Any,
    posted: MultiDict[str, str],
    prefix: str,
    fields: list[Field],
    shown: list[Field],
) -> InlineRow | None:
    token = posted.get(f"{prefix}_originals", "")
    try:
        pk, originals = read_row_token(
            form_data.secret(request), token, _child_model_name(relationship)
        )
        obj = load_row(request.db, relationship.mapper.class_, pk)
    except (BadOriginals, RowNotFound):
        return None
    if any(
        getattr(obj, child_key) != getattr(parent, parent_key)
        for parent_key, child_key in _links(relationship)
    ):
        return None
    sub = _sub_form(posted, prefix)
    result = coerce_form(fields, sub)
    current = row_values(obj, [item.name for item in fields if item.name in result.values])
    result.errors.update(form_data.unreachable_targets(request, fields, result.values, current))
    return InlineRow(
        prefix=prefix,
        fields=_bind_existing(request, obj, fields, shown, result),
        token=token,
        pk_text=encode_pk(pk),
        delete=bool(sub.get("_delete")),
        result=result,
        pk=pk,
        originals=originals,
    )


def save_inlines(
    request: Request, model_admin: ModelAdmin, parent: Any, sets: list[InlineSet]
) -> list[AuditEntry]:
    """Write every changed, deleted or new child row; audit entries for the caller to record.

    Runs inside the caller's savepoint; raises `ChildConflict` or `IntegrityRefusal`
    (with field names prefixed by the row) so the whole save is undone.
    """
    entries: list[AuditEntry] = []
    session = request.db
    for inline in sets:
        relationship = _relationship(model_admin, inline.name)
        child = relationship.mapper.class_
        child_admin = admin_of(request).for_model(child)
        hooks = Hooks.of(child_admin, request) if child_admin is not None else None
        table = _child_model_name(relationship)
        links = {
            child_key: getattr(parent, parent_key) for parent_key, child_key in _links(relationship)
        }
        for row in inline.rows:
            if row.result is None or not row.result.ok:
                continue
            try:
                if row.is_new:
                    values = {**row.result.values, **links}
                    written = create_row(session, child, values, hooks=hooks)
                    entries.append((CREATE, table, encode_pk(written.pk), written.changes))
                elif row.delete:
                    assert row.pk is not None
                    written = delete_row(session, child, row.pk, row.originals, hooks=hooks)
                    entries.append((DELETE, table, row.pk_text, written.changes))
                else:
                    assert row.pk is not None
                    written = update_row(
                        session, child, row.pk, row.result.values, row.originals, hooks=hooks
                    )
                    if written.changes:
                        entries.append((UPDATE, table, row.pk_text, written.changes))
            except ConflictError as conflict:
                raise ChildConflict(inline.label, row.pk_text, conflict) from conflict
            except WriteRefused as refusal:
                row.result.errors.update(refusal.field_errors)
                for item in row.fields:
                    item.error = row.result.errors.get(item.name)
                raise IntegrityRefusal(
                    {f"{row.prefix}{key}": text for key, text in refusal.field_errors.items()},
                    refusal.form_errors or [f"A row of {inline.label} was refused: see below."],
                ) from refusal
    return entries
