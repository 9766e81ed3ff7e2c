"""The data of a form page (`FormPage`): the create and edit forms, and a list cell's editor.

Plain functions build it from the request, the ModelAdmin and the bound form: the fields
as their widget templates draw them, the inline tables, the links, the messages. It holds
values and URLs only, no markup, so the page, its htmx fragment and a JSON answer can
all be made from it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from dashkit.admin.display import humanize
from dashkit.admin.edit.form_data import display_value
from dashkit.admin.edit.forms import BinaryField, BoundField, Field
from dashkit.admin.edit.forms.widgets import Widget, field_widget
from dashkit.admin.edit.submissions import submission_token
from dashkit.auth import has_permission

if TYPE_CHECKING:
    from dashkit.admin.edit.inlines import InlineSet
    from dashkit.admin.edit.writes import ConflictError
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request


@dataclass(frozen=True)
class FormLinks:
    """Where a form page links: its list, where it posts, where Cancel goes, the row (once
    it exists) and, for a user who may delete the row, its delete page."""

    list: str
    action: str
    cancel: str
    detail: str | None = None
    delete: str | None = None


@dataclass(frozen=True)
class ShownValue:
    """A column shown beside the inputs but not editable here (a key, a read-only field)."""

    label: str
    text: str


@dataclass(frozen=True)
class ConflictRow:
    """One field of a refused save: the value in the database now beside the user's."""

    label: str
    current: str
    mine: str
    changed: bool
    """Someone else changed this field since the form was loaded."""


@dataclass(frozen=True)
class InlineRowForm:
    """One child row on the parent's form: its fields, and its signed snapshot once it exists."""

    prefix: str
    fields: list[Widget]
    token: str
    pk_text: str
    is_new: bool
    delete: bool


@dataclass(frozen=True)
class InlineTable:
    """The children of one relationship on the parent's form, a page at a time."""

    name: str
    label: str
    headers: list[str]
    rows: list[InlineRowForm]
    page: int
    has_next: bool
    errors: list[str]
    previous_url: str
    next_url: str


@dataclass(frozen=True)
class FormPage:
    """Everything a form page shows, as values and URLs."""

    slug: str
    label: str
    label_plural: str
    title: str
    links: FormLinks
    fields: list[Widget]
    pk_text: str | None = None
    """The row's key as it appears in URLs; None on the create form."""
    token: str = ""
    """The signed values the form was loaded with, posted back to detect a lost update."""
    submission: str = ""
    """The create form's one-time token (`edit/submissions.py`); empty on the edit form."""
    read_only: list[ShownValue] = field(default_factory=list)
    form_errors: list[str] = field(default_factory=list)
    conflict: list[ConflictRow] = field(default_factory=list)
    conflict_message: str = ""
    inlines: list[InlineTable] = field(default_factory=list)
    multipart: bool = False

    @property
    def has_field_errors(self) -> bool:
        return any(widget.error for widget in self.fields)


@dataclass(frozen=True)
class CellValue:
    """A list cell after its editor closes: the value and the link that opens it again."""

    text: Any
    edit_url: str
    label: str
    pk_text: str


def form_page(
    request: Request,
    model_admin: ModelAdmin,
    bound: Sequence[BoundField],
    *,
    obj: Any = None,
    pk_text: str | None = None,
    token: str = "",
    form_errors: Sequence[str] = (),
    conflict: ConflictError | None = None,
    inlines: Sequence[InlineSet] = (),
) -> FormPage:
    """The create form (no `obj`) or the edit form of `obj`, its fields bound in `bound`."""
    creating = obj is None
    urls = _url_maker(request, model_admin, pk_text, creating)
    read_only: list[ShownValue] = []
    if not creating:
        read_only = [
            ShownValue(humanize(name), str(getattr(obj, name)))
            for name in model_admin.info.primary_key
        ] + [
            ShownValue(humanize(name), _text_or_dash(getattr(obj, name)))
            for name in model_admin.readonly_fields
        ]
    fields = [item.field for item in bound]
    return FormPage(
        slug=model_admin.slug,
        label=model_admin.label,
        label_plural=model_admin.label_plural,
        title=f"Add {model_admin.label}" if creating else f"Edit {model_admin.label}",
        links=_form_links(request, model_admin, pk_text),
        fields=[field_widget(item, urls=urls(item)) for item in bound],
        pk_text=pk_text,
        token=token,
        submission=submission_token(request) if creating else "",
        read_only=read_only,
        form_errors=list(form_errors),
        conflict=_conflict_rows(fields, conflict) if conflict else [],
        conflict_message=str(conflict) if conflict else "",
        inlines=[_inline_table(inline) for inline in inlines],
        multipart=bool(inlines) or any(isinstance(item, BinaryField) for item in fields),
    )


def cell_page(
    request: Request,
    model_admin: ModelAdmin,
    bound: BoundField,
    *,
    pk_text: str,
    token: str,
    next_url: str,
    message: str = "",
) -> FormPage:
    """The editor of one list cell: compact in the list (htmx), a small page without it.
    `message` says why a save was refused (the cell changed meanwhile)."""
    slug = model_admin.slug
    action = request.url_for("admin.edit_cell", slug=slug, pk=pk_text, name=bound.name)
    return FormPage(
        slug=slug,
        label=model_admin.label,
        label_plural=model_admin.label_plural,
        title=f"Edit {bound.field.label} of {model_admin.label} {pk_text}",
        links=FormLinks(
            list=request.url_for("admin.list", slug=slug),
            action=action,
            cancel=next_url,
            detail=request.url_for("admin.detail", slug=slug, pk=pk_text),
        ),
        fields=[field_widget(bound, compact=request.is_htmx)],
        pk_text=pk_text,
        token=token,
        conflict_message=message,
    )


def cell_value(
    request: Request, model_admin: ModelAdmin, item: Field, obj: Any, pk_text: str, next_url: str
) -> CellValue:
    """The cell of `item` in `obj`'s list row, shown as the list shows it."""
    display = model_admin.field(item.name)
    assert display is not None  # a cell's field is a column of the model
    edit_url = request.url_for("admin.edit_cell", slug=model_admin.slug, pk=pk_text, name=item.name)
    return CellValue(
        text=display.display(obj),
        edit_url=f"{edit_url}?next={quote(next_url, safe='/')}",
        label=item.label,
        pk_text=pk_text,
    )


def _text_or_dash(value: Any) -> str:
    return "—" if value is None else str(value)


def _form_links(request: Request, model_admin: ModelAdmin, pk_text: str | None) -> FormLinks:
    slug = model_admin.slug
    listed = request.url_for("admin.list", slug=slug)
    if pk_text is None:
        return FormLinks(listed, request.url_for("admin.create", slug=slug), listed)
    detail = request.url_for("admin.detail", slug=slug, pk=pk_text)
    action = request.url_for("admin.edit", slug=slug, pk=pk_text)
    delete = None
    if has_permission(request, model_admin.permission("delete")):
        delete = request.url_for("admin.delete", slug=slug, pk=pk_text)
    return FormLinks(listed, action, detail, detail, delete)


def _url_maker(
    request: Request, model_admin: ModelAdmin, pk_text: str | None, creating: bool
) -> Callable[[BoundField], dict[str, str]]:
    """A function giving a field the URLs its widget calls: the check on blur, the relation
    lookup, the download of a stored file."""
    slug = model_admin.slug

    def urls(item: BoundField) -> dict[str, str]:
        name = item.name
        check = request.url_for("admin.check_field", slug=slug, name=name)
        found = {"check": f"{check}?creating=1" if creating else check}
        if item.widget == "autocomplete":
            found["lookup"] = request.url_for("admin.lookup", slug=slug, name=name)
        if item.widget == "file" and pk_text is not None:
            found["download"] = request.url_for("admin.download", slug=slug, pk=pk_text, name=name)
        return found

    return urls


def _conflict_rows(fields: list[Field], conflict: ConflictError) -> list[ConflictRow]:
    rows = []
    for item in fields:
        current = conflict.current.get(item.name) if conflict.current else None
        mine = conflict.submitted.get(item.name, current)
        rows.append(
            ConflictRow(
                label=item.label,
                current=display_value(item, current) if conflict.current else "(deleted)",
                mine=display_value(item, mine),
                changed=item.name in conflict.fields,
            )
        )
    return rows


def _inline_table(inline: InlineSet) -> InlineTable:
    """An inline set as its table draws it: compact fields named by their row's prefix."""
    name = inline.name

    def page_url(page: int) -> str:
        return f"?{name}-_page={page}#inline-{name}"

    return InlineTable(
        name=name,
        label=inline.label,
        headers=inline.headers,
        rows=[
            InlineRowForm(
                prefix=row.prefix,
                fields=[field_widget(item, prefix=row.prefix, compact=True) for item in row.fields],
                token=row.token,
                pk_text=row.pk_text,
                is_new=row.is_new,
                delete=row.delete,
            )
            for row in inline.rows
        ],
        page=inline.page,
        has_next=inline.has_next,
        errors=inline.errors,
        previous_url=page_url(inline.page - 1) if inline.page > 1 else "",
        next_url=page_url(inline.page + 1) if inline.has_next else "",
    )
