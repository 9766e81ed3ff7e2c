"""Which list columns can be edited in place, in their cell.

The list links a cell's editor and the edit side serves it: both read the rule here, so
the list needs nothing of the write side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper

from dashkit.admin.access import admin_of
from dashkit.auth import has_permission

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request

INLINE_KINDS = ("string", "integer", "number", "boolean", "date", "datetime", "time", "enum")
"""Column kinds a list cell can be edited in place."""


def cell_editable(model_admin: ModelAdmin, name: str) -> bool:
    """True when the ModelAdmin's options let column `name` be edited in its list cell: a
    plain column of a simple kind, not a key, on the edit form, written by the user (not
    computed by the database, not the version counter)."""
    column = model_admin.info.columns.get(name)
    if column is None or column.primary_key or column.relation or column.kind not in INLINE_KINDS:
        return False
    if name in model_admin.readonly_fields or name in model_admin.exclude:
        return False
    if model_admin.form_fields is not None and name not in model_admin.form_fields:
        return False
    mapper: Mapper[Any] = sa.inspect(model_admin.model)
    mapped = mapper.column_attrs[name].columns[0]
    return getattr(mapped, "computed", None) is None and mapped is not mapper.version_id_col


def editable_cells(request: Request, model_admin: ModelAdmin) -> frozenset[str]:
    """The list columns this user may edit in place."""
    if model_admin.read_only or not has_permission(request, model_admin.permission("change")):
        return frozenset()
    return admin_of(request).cache.get_or_build(
        "editable_cells",
        model_admin,
        lambda: frozenset(
            field.name
            for field in model_admin.list_fields
            if cell_editable(model_admin, field.name)
        ),
    )
