"""The admin options of a reflected table: its URL slug, category and read-only state."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dashkit.admin.errors import OptionError
from dashkit.admin.introspection import inspect_model
from dashkit.admin.options import DEFAULT_LIST_COLUMNS, UNLISTED_KINDS, ModelAdmin
from dashkit.reflect.mapping import ReflectedTable
from dashkit.reflect.naming import plural_table_labels, url_slugs
from dashkit.reflect.schema import SkippedTable

logger = logging.getLogger("dashkit.reflect")

if TYPE_CHECKING:
    from dashkit.admin import Admin
    from dashkit.reflect import ReflectedDatabase


@dataclass(frozen=True)
class AdminOptions:
    """What `dashkit serve` passes to ModelAdmin for one table, and `dashkit eject` writes out."""

    slug: str
    category: str
    read_only: bool
    read_only_reason: str
    list_display: tuple[str, ...] | None = None
    """Column names to list when the admin's default would list none (e.g. a view of text)."""
    labels: tuple[str, str] | None = None
    """(label, label_plural) for a table named in the plural, which the class name cannot give."""

    def differs_from_defaults(self, table_name: str) -> bool:
        """True when a ModelAdmin subclass is needed to express these options."""
        return (
            self.read_only
            or self.slug != default_slug(table_name)
            or self.category != "Models"
            or self.list_display is not None
            or self.labels is not None
        )


def default_slug(table_name: str) -> str:
    """The slug the admin derives from a table name by itself."""
    return re.sub(r"[^a-z0-9_-]+", "-", table_name.lower()).strip("-")


def admin_options(tables: list[ReflectedTable]) -> dict[str, AdminOptions]:
    """Options per table key; slugs are unique and URL-safe even for non-ASCII names."""
    slugs = url_slugs(table.table.key for table in tables)
    schemas = {table.table.schema for table in tables}
    options = {}
    for table in tables:
        category = "Models"
        if len(schemas) > 1:
            category = table.table.schema or "Default schema"
        if table.is_view:
            category = "Views" if category == "Models" else f"{category} views"
        options[table.table.key] = AdminOptions(
            slug=slugs[table.table.key],
            category=category,
            read_only=table.read_only_reason is not None,
            read_only_reason=table.read_only_reason or "",
            list_display=_fallback_list_display(table),
            labels=plural_table_labels(table.table.name),
        )
    return options


def _fallback_list_display(table: ReflectedTable) -> tuple[str, ...] | None:
    """The identity columns, when every column is of a kind the admin leaves out of lists."""
    columns = inspect_model(table.model).columns.values()
    if any(column.primary_key or column.kind not in UNLISTED_KINDS for column in columns):
        return None
    return tuple(column.name for column in table.identity[:DEFAULT_LIST_COLUMNS])


def register_reflected(
    admin: Admin, database: ReflectedDatabase, *, read_only_reason: str | None = None
) -> list[SkippedTable]:
    """Register every reflected table with `admin`; `read_only_reason` makes all of them
    read-only. A table whose admin options cannot be built is left out, not fatal: the
    tables left out are returned with the reason."""
    options = admin_options(database.tables)
    skipped = []
    for table in database.tables:
        option = options[table.table.key]
        attributes: dict[str, object] = {
            "slug": option.slug,
            "category": option.category,
            "read_only": option.read_only or read_only_reason is not None,
            "read_only_reason": option.read_only_reason or read_only_reason or "",
        }
        if option.list_display is not None:
            attributes["list_display"] = option.list_display
        if option.labels is not None:
            attributes["label"], attributes["label_plural"] = option.labels
        model_admin = type(f"{table.model.__name__}Admin", (ModelAdmin,), attributes)
        try:
            admin.register(table.model, model_admin)
        except OptionError as error:
            logger.warning("not serving %s: %s", table.table.key, error)
            reason = f"dashkit cannot build its admin page: {error}"
            skipped.append(SkippedTable(table.table.key, table.is_view, reason))
    return skipped
