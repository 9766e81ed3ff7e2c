"""ModelAdmin: declarative options for one model's screens, checked when it is registered."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from dashkit.admin.actions import ACTION_MARK, DELETE_SELECTED, Action
from dashkit.admin.display import DisplayField, Formatter, humanize, resolve_path
from dashkit.admin.errors import OptionError
from dashkit.admin.hook_checks import check_hooks
from dashkit.admin.introspection import TEXT_KINDS, ModelInfo, inspect_model
from dashkit.admin.list.filters import FilterSpec, filter_kind
from dashkit.admin.list.search import search_columns

if TYPE_CHECKING:
    from dashkit.http import Request

VERBS = ("view", "add", "change", "delete", "export")
DEFAULT_LIST_COLUMNS = 8
UNLISTED_KINDS = ("json", "binary", "other")
"""Kinds a list leaves out unless asked: bytes, documents and types it cannot show as text.
Long text is listed (the table clips it); the first `DEFAULT_LIST_COLUMNS` others are."""


class ModelAdmin:
    """Options for one model; every option is optional and defaults from the mapping.

    Subclass and set class attributes, then `admin.register(Model, MyAdmin)`.
    """

    label: ClassVar[str | None] = None
    label_plural: ClassVar[str | None] = None
    slug: ClassVar[str | None] = None
    """Name in URLs and permissions (`"<slug>.view"`); default: the table name."""
    category: ClassVar[str] = "Models"
    """Heading the model is listed under on the index page."""
    list_display: ClassVar[Sequence[str | Callable[[Any], Any]] | None] = None
    list_select_related: ClassVar[Sequence[str]] = ()
    """Relationships (`"customer"`, `"lines.product"`) loaded with each page, for callables
    in `list_display` that read them; related columns listed by name are loaded anyway."""
    search_fields: ClassVar[Sequence[str] | None] = None
    list_filter: ClassVar[Sequence[str] | None] = None
    ordering: ClassVar[Sequence[str] | None] = None
    """Default sort, e.g. `("-created_at",)`; the primary key always breaks ties."""
    page_size: ClassVar[int] = 50
    page_size_choices: ClassVar[Sequence[int]] = (25, 50, 100, 200)
    readonly_fields: ClassVar[Sequence[str]] = ()
    form_fields: ClassVar[Sequence[str] | None] = None
    exclude: ClassVar[Sequence[str]] = ()
    widgets: ClassVar[Mapping[str, Any]] = {}
    """Per form field: a `dashkit.admin.edit.forms` Field to use instead (e.g. a ChoiceField with
    fixed choices), or "text"/"textarea" for a string column."""
    formatters: ClassVar[Mapping[str, Formatter]] = {}
    inlines: ClassVar[Sequence[str]] = ()
    """One-to-many relationships whose rows are edited on the parent's page."""
    actions: ClassVar[Sequence[str] | None] = None
    """Names of bulk actions: `"delete_selected"` and methods marked with `@action`."""
    permissions: ClassVar[Mapping[str, str]] = {}
    """Overrides of the permission a verb needs, e.g. `{"export": "reports.export"}`."""
    read_only: ClassVar[bool] = False
    read_only_reason: ClassVar[str] = ""
    count_limit: ClassVar[int] = 10_000
    """Rows counted exactly at most; beyond it the list shows an estimate."""
    count_timeout_ms: ClassVar[int] = 1000
    export_formulas: ClassVar[bool] = False
    """Whether a CSV export may hold text that a spreadsheet runs as a formula. By default a
    cell of text starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a
    leading `'`, so opening the file runs nothing; True exports such text as stored."""
    detail_relation_rows: ClassVar[int] = 5

    def __init__(self, model: type):
        self.model = model
        self.info: ModelInfo = inspect_model(model)
        self._check_unknown_options()
        self.slug: str = self._choose_slug()
        self.label: str = type(self).label or humanize(_words(model.__name__)).lower()
        self.label_plural: str = type(self).label_plural or _plural(self.label)
        self.fields: dict[str, DisplayField] = {}
        self.list_fields: list[DisplayField] = self._resolve_list_display()
        self.prefetch_paths: list[tuple[str, ...]] = self._resolve_select_related()
        self.search_columns = self._resolve_search_fields()
        self.filters: dict[str, FilterSpec] = self._resolve_filters()
        self.default_ordering: list[tuple[str, bool]] = self._resolve_ordering()
        self._check_page_size()
        self.bulk_actions: dict[str, Action] = self._resolve_actions()
        for option in ("readonly_fields", "form_fields", "exclude"):
            self._check_field_names(option, getattr(self, option) or ())
        self._check_field_names("widgets", self.widgets)
        self._check_field_names("formatters", self.formatters)
        self._check_inlines()
        self._check_permissions()
        check_hooks(self)
        self.label_column: str | None = next(
            (
                c.name
                for kind in TEXT_KINDS  # a short string names a row better than long text
                for c in self.info.columns.values()
                if c.kind == kind and not c.primary_key
            ),
            None,
        )

    # -- hooks: override them in a subclass -------------------------------------------------

    def query(self, request: Request) -> sa.Select[Any]:
        """The base query of every read of this model for this request.

        Lists, counts, exports, autocompletes, the detail page and its related rows, and
        the rows an edit, a delete or a bulk action loads all start from it; a row it
        leaves out is a 404. Default: `scope()` applied to `select(model)`. Override it
        to join, add loader options or narrow the rows; it must select the model first.
        Search, filters, sort and keys are added to what it returns.
        """
        return self.scope(request, sa.select(self.model))

    def scope(self, request: Request, statement: sa.Select[Any]) -> sa.Select[Any]:
        """Restrict which rows this request may see or change (default: all of them).

        It receives a `select(model)` and returns it with conditions added. The default
        `query()` applies it, so it narrows every read and write; a ModelAdmin that
        overrides `query()` decides for itself whether to call it.
        """
        return statement

    def search(self, request: Request, statement: sa.Select[Any], term: str) -> sa.Select[Any]:
        """`statement` narrowed to the rows the search box's `term` finds, for the list
        page, its count and its export alike.

        Default: each word of `term` (at most eight) occurs, ignoring case, in one of the
        `search_fields`. Override it for another search, e.g. full text with
        `statement.where(Article.search_vector.match(term))`.
        """
        return search_columns(statement, self.model, self.search_columns, term)

    def on_save(self, request: Request, obj: Any, is_new: bool) -> None:
        """Called before a new or changed row is written: by the create and edit forms, a
        list cell edited in place, an inline row saved with its parent (when its model is
        registered) and the rows a bulk action changed.

        It may change `obj` (the change is written and audited with the rest) or refuse
        the write by raising `WriteRefused`, whose message the user sees; nothing is
        written then. A save that changes nothing writes nothing and calls no hook.
        """

    def after_save(self, request: Request, obj: Any, is_new: bool) -> None:
        """Called once the row is written (`obj` has its key), in the same transaction:
        raising here undoes the write, and a `WriteRefused` shows its message."""

    def on_delete(self, request: Request, obj: Any) -> None:
        """Called before a row is deleted (the delete page, the delete action, an inline
        row marked for deletion, a bulk action's deletes); raise `WriteRefused` to keep it."""

    def after_delete(self, request: Request, obj: Any) -> None:
        """Called once the row is deleted, in the same transaction: raising here undoes
        the delete, and a `WriteRefused` shows its message."""

    def overrides(self, hook: str) -> bool:
        """True when `hook` (`query`, `scope`, `row_label`...) is this ModelAdmin's own: a
        subclass's method, or a function set on the instance (`register(...).scope = ...`).
        What a hook of its own returns may depend on the request or on any attribute of a
        row, so it is never shared between requests."""
        return getattr(getattr(self, hook), "__func__", None) is not getattr(ModelAdmin, hook)

    @property
    def searchable(self) -> bool:
        """True when the list offers a search: columns to search, or a `search` of its own."""
        return bool(self.search_columns) or self.overrides("search")

    def permission(self, verb: str) -> str:
        """The permission string a verb needs: `"<slug>.<verb>"` unless overridden."""
        return self.permissions.get(verb, f"{self.slug}.{verb}")

    def row_label(self, row: Any) -> str:
        """How a row is named in links, selections and confirmations: its first text column."""
        if self.label_column is not None:
            value = getattr(row, self.label_column, None)
            if value:
                return str(value)
        keys = ", ".join(str(getattr(row, name)) for name in self.info.primary_key)
        return f"{self.label} {keys}"

    def field(self, name: str) -> DisplayField | None:
        """A displayable field by name (list columns and any other column of the model)."""
        if name in self.fields:
            return self.fields[name]
        resolved = resolve_path(self.info, name)
        if resolved is None:
            return None
        path, column = resolved
        return DisplayField(name, humanize(name), path, column, formatter=self.formatters.get(name))

    # -- validation -------------------------------------------------------------------------

    def error(self, option: str, problem: str) -> OptionError:
        return OptionError(
            f"{type(self).__name__} for model {self.model.__name__}: option {option}: {problem}"
        )

    def _known(self, option: str, name: str, known: Sequence[str]) -> OptionError:
        close = difflib.get_close_matches(name, known, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else f"; known: {', '.join(known)}"
        return self.error(option, f"unknown field {name!r}{hint}")

    def _check_unknown_options(self) -> None:
        options = {name for name in vars(ModelAdmin) if not name.startswith("_")}
        for klass in type(self).__mro__:
            if klass is ModelAdmin or klass is object:
                break
            for name, value in vars(klass).items():
                if (
                    name.startswith("_")
                    or name in options
                    or callable(value)
                    or isinstance(value, (staticmethod, classmethod, property))
                ):
                    continue
                close = difflib.get_close_matches(name, sorted(options), n=1)
                hint = f"; did you mean {close[0]}?" if close else ""
                raise self.error(name, f"is not a ModelAdmin option{hint}")

    def _choose_slug(self) -> str:
        chosen = type(self).slug or self.info.table_name
        slug = re.sub(r"[^a-z0-9_-]+", "-", chosen.lower()).strip("-")
        if not slug:
            raise self.error("slug", f"{chosen!r} has no letters or digits to use in a URL")
        return slug

    def _resolve_list_display(self) -> list[DisplayField]:
        entries = type(self).list_display
        if entries is None:
            entries = [
                name
                for name, column in self.info.columns.items()
                if column.primary_key or column.kind not in UNLISTED_KINDS
            ][:DEFAULT_LIST_COLUMNS]
        if isinstance(entries, str) or not entries:
            raise self.error("list_display", "must be a non-empty list of field names or callables")
        result = []
        for entry in entries:
            field = self._display_field(entry)
            if field.name in self.fields:
                raise self.error("list_display", f"{field.name!r} is listed twice")
            self.fields[field.name] = field
            result.append(field)
        return result

    def _display_field(self, entry: str | Callable[[Any], Any]) -> DisplayField:
        if callable(entry):
            name = getattr(entry, "__name__", "value")
            label = getattr(entry, "label", humanize(name))
            return DisplayField(name, label, function=entry, formatter=self.formatters.get(name))
        if not isinstance(entry, str):
            raise self.error("list_display", f"{entry!r} is neither a field name nor a callable")
        formatter = self.formatters.get(entry)
        resolved = resolve_path(self.info, entry)
        if resolved is not None:
            path, column = resolved
            return DisplayField(entry, humanize(entry), path, column, formatter=formatter)
        method = getattr(self, entry, None)
        if callable(method):
            label = getattr(method, "label", humanize(entry))
            return DisplayField(entry, label, function=method, formatter=formatter)
        if "." not in entry and hasattr(self.model, entry):
            return DisplayField(entry, humanize(entry), (entry,), formatter=formatter)
        raise self._known(
            "list_display", entry, sorted(self.info.columns) + sorted(self.info.relations)
        )

    def _resolve_select_related(self) -> list[tuple[str, ...]]:
        if isinstance(self.list_select_related, str):
            raise self.error(
                "list_select_related", "must be a list of relationship names, not a string"
            )
        paths = []
        for path in self.list_select_related:
            current = self.info
            for step in path.split("."):
                relation = current.relations.get(step)
                if relation is None:
                    raise self.error(
                        "list_select_related",
                        f"{path!r}: {current.model.__name__} has no relationship {step!r}; "
                        f"known: {', '.join(sorted(current.relations)) or 'none'}",
                    )
                current = inspect_model(relation.target)
            paths.append(tuple(path.split(".")))
        return paths

    def _resolve_search_fields(self) -> list[Any]:
        names = type(self).search_fields
        if names is None:
            return [c.attribute for c in self.info.columns.values() if c.kind in TEXT_KINDS]
        result = []
        for name in names:
            resolved = resolve_path(self.info, name)
            if resolved is None or resolved[1] is None:
                raise self._known("search_fields", name, sorted(self.info.columns))
            path, column = resolved
            if column.kind not in TEXT_KINDS:
                raise self.error(
                    "search_fields", f"{name!r} is a {column.kind} column; search needs text"
                )
            if len(path) > 2:
                raise self.error(
                    "search_fields", f"{name!r}: search follows one relationship at most"
                )
            attribute = column.attribute
            if len(path) == 2:
                attribute = (path[0], attribute)
            result.append(attribute)
        return result

    def _resolve_filters(self) -> dict[str, FilterSpec]:
        names = type(self).list_filter
        if names is None:
            names = [
                name
                for name, column in self.info.columns.items()
                if (
                    not column.primary_key
                    and filter_kind(column) in ("boolean", "choices", "relation")
                )
                or column.kind in ("date", "datetime")
            ]
        result = {}
        for name in names:
            relation = self.info.relations.get(name)
            if (
                relation is not None
                and relation.direction == "many_to_one"
                and len(relation.local_columns) == 1
            ):
                name = relation.local_columns[0]
            column = self.info.columns.get(name)
            if column is None:
                raise self._known("list_filter", name, sorted(self.info.columns))
            kind = filter_kind(column)
            if column.kind in ("json", "binary", "other"):
                raise self.error(
                    "list_filter", f"{name!r} is a {column.kind} column and cannot be filtered"
                )
            target = self.info.relations[column.relation].target if column.relation else None
            label = humanize(column.relation) if column.relation else humanize(name)
            result[name] = FilterSpec(name, label, column, kind, target)
        return result

    def _resolve_ordering(self) -> list[tuple[str, bool]]:
        names = type(self).ordering or [self.info.primary_key[0]]
        result = []
        for name in names:
            descending = name.startswith("-")
            bare = name.lstrip("-")
            field = self.field(bare)
            if field is None or not field.sortable:
                raise self._known("ordering", bare, sorted(self.info.columns))
            result.append((bare, descending))
        return result

    def _check_page_size(self) -> None:
        sizes = list(self.page_size_choices)
        if not isinstance(self.page_size, int) or not 1 <= self.page_size <= 1000:
            raise self.error(
                "page_size", f"must be an integer from 1 to 1000, got {self.page_size!r}"
            )
        if any(not isinstance(size, int) or not 1 <= size <= 1000 for size in sizes):
            raise self.error("page_size_choices", f"must be integers from 1 to 1000, got {sizes!r}")

    def _resolve_actions(self) -> dict[str, Action]:
        names = type(self).actions
        if names is None:
            names = [] if self.read_only else ["delete_selected"]
        result = {}
        for name in names:
            if name == "delete_selected":
                if self.read_only:
                    raise self.error(
                        "actions", "delete_selected is not available on a read-only model"
                    )
                result[name] = DELETE_SELECTED
                continue
            function = getattr(type(self), name, None)
            found = getattr(function, ACTION_MARK, None)
            if found is None:
                raise self.error("actions", f"{name!r} is not a method marked with @action")
            result[name] = found
        return result

    def _check_field_names(self, option: str, names: Sequence[str] | Mapping[str, Any]) -> None:
        if isinstance(names, str):
            raise self.error(option, "must be a list of field names, not a string")
        known = sorted(self.info.columns) + sorted(self.info.relations)
        for name in names:
            if name not in known and name not in self.fields:
                raise self._known(option, name, known)

    def _check_inlines(self) -> None:
        for name in self.inlines:
            relation = self.info.relations.get(name)
            if relation is None or relation.direction != "one_to_many":
                children = [
                    r.name for r in self.info.relations.values() if r.direction == "one_to_many"
                ]
                raise self.error(
                    "inlines", f"{name!r} is not a one-to-many relationship; known: {children}"
                )

    def _check_permissions(self) -> None:
        verbs = set(VERBS) | {action.verb for action in self.bulk_actions.values()}
        for verb, permission in self.permissions.items():
            if verb not in verbs:
                raise self.error(
                    "permissions", f"unknown verb {verb!r}; known: {', '.join(sorted(verbs))}"
                )
            if not isinstance(permission, str) or "." not in permission:
                raise self.error(
                    "permissions", f"{verb}: {permission!r} is not like 'resource.verb'"
                )


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


def _plural(label: str) -> str:
    if label.endswith("y") and label[-2:-1] not in "aeiou":
        return label[:-1] + "ies"
    if label.endswith(("s", "x", "ch", "sh")):
        return label + "es"
    return label + "s"
