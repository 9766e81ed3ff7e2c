"""Views for single fields: a list cell edited in place, the check on blur, the relation
lookup, and the download of a stored file."""

from __future__ import annotations

from typing import Any

from jinja2 import Template
from werkzeug.datastructures import MultiDict

from dashkit.admin.access import admin_of
from dashkit.admin.edit import form_data
from dashkit.admin.edit.access import next_url, save_row, writable
from dashkit.admin.edit.forms import bind_fields, coerce_form, search_targets
from dashkit.admin.edit.forms.relations import ForeignKeyField, ManyToManyField
from dashkit.admin.edit.forms.widgets import field_widget
from dashkit.admin.edit.originals import BadOriginals
from dashkit.admin.edit.page import CellValue, cell_page, cell_value
from dashkit.admin.edit.writes import ConflictError
from dashkit.admin.errors import WriteRefused
from dashkit.admin.rows import find_row, get_row, row_key
from dashkit.admin.templates import ModelTemplates, page_template
from dashkit.audit import UPDATE, record
from dashkit.auth import flash, require_permission
from dashkit.http import Request, Response, abort, redirect
from dashkit.templating import render

# -- a list cell edited in place ----------------------------------------------------------------


def edit_cell(request: Request, slug: str, pk: str, name: str) -> Response:
    """One column of one row: an editor (an htmx fragment, or a small page without JS)."""
    model_admin = writable(request, slug, "change")
    item = form_data.cell_field(request, model_admin, name)
    if item is None:
        abort(404, f"{name!r} cannot be edited in the list")
    key = row_key(model_admin, pk)
    obj = get_row(request, model_admin, key)
    back = next_url(request, request.url_for("admin.list", slug=slug))
    template = page_template(request, model_admin, "cell")
    if request.method == "GET" and request.args.get("cancel"):
        return _cell_shown(request, template, cell_value(request, model_admin, item, obj, pk, back))
    token = form_data.originals_token(request, model_admin, key, obj, [name])
    raw: dict[str, Any] | None = None
    errors: dict[str, str] = {}
    message = ""
    status = 200
    if request.method == "POST":
        posted_token = request.form.get("_originals", "")
        try:
            originals = form_data.posted_originals(request, model_admin, key)
        except BadOriginals as error:
            abort(400, str(error))
        result = coerce_form([item], request.form, request.files)
        raw = result.raw
        errors = result.errors
        token, status = posted_token, 422
        if result.ok:
            try:
                written = save_row(request, model_admin, key, result.values, originals)
            except ConflictError as conflict:
                obj = find_row(request, model_admin, key)
                if obj is None:
                    abort(409, str(conflict))
                current = form_data.display_value(item, getattr(obj, name))
                message = f"{conflict} It is now “{current}”; save again to replace it."
                token = form_data.originals_token(request, model_admin, key, obj, [name])
                status = 409
            except WriteRefused as refusal:
                # the cell shows one input: a message about another column is named there
                errors = {name: refusal.field_errors.get(name) or str(refusal)}
            else:
                if written.changes:
                    record(request, UPDATE, model_admin.slug, pk, written.changes)
                # a toast with htmx (auth moves it into HX-Trigger), the next page without
                flash(
                    request, f"Saved {item.label.lower()} of {model_admin.label} {pk}.", "success"
                )
                if not request.is_htmx:
                    return redirect(back)
                shown = cell_value(request, model_admin, item, obj, pk, back)
                return _cell_shown(request, template, shown)
    bound = bind_fields(None, [item], {name: getattr(obj, name)}, raw=raw, errors=errors)[0]
    page = cell_page(
        request, model_admin, bound, pk_text=pk, token=token, next_url=back, message=message
    )
    # htmx swaps only 2xx answers; the fragment itself carries the error
    return render(
        request,
        template,  # type: ignore[arg-type]
        block="editor" if request.is_htmx else None,
        status=200 if request.is_htmx else status,
        model_admin=model_admin,
        page=page,
        page_title=page.title,
        widget_templates=ModelTemplates(request, model_admin, "_widgets"),
    )


def _cell_shown(request: Request, template: Template, cell: CellValue) -> Response:
    """The cell as the list shows it, with its pencil: after a save, or on Cancel."""
    return render(request, template, block="display", cell=cell)  # type: ignore[arg-type]


# -- helpers for the form: field check on blur, relation lookup, file download -------------------


def check_field(request: Request, slug: str, name: str) -> Response:
    """Coerce one posted field and answer with its error message element (htmx, on blur)."""
    model_admin = writable(request, slug, "add" if request.args.get("creating") else "change")
    fields = form_data.form_fields(
        request, model_admin, creating=bool(request.args.get("creating"))
    )
    matches = [item for item in fields if item.name == name]
    if not matches:
        abort(404, f"{name!r} is not a field of the {model_admin.label} form")
    result = coerce_form(
        matches, request.form, MultiDict(), creating=bool(request.args.get("creating"))
    )
    bound = bind_fields(None, matches, {}, raw=result.raw, errors=result.errors)[0]
    rows = ModelTemplates(request, model_admin, "_widgets")["_rows"]
    return render(request, rows, fields=[field_widget(bound)], error_only=True)  # type: ignore[arg-type]


def lookup(request: Request, slug: str, name: str) -> Response:
    """Options of a foreign-key or many-to-many field matching `q` (at most twenty)."""
    model_admin = writable(request, slug, "view")
    fields = form_data.form_fields(request, model_admin, creating=True)
    matches = [
        item
        for item in fields
        if item.name == name and isinstance(item, (ForeignKeyField, ManyToManyField))
    ]
    if not matches:
        abort(404, f"{name!r} is not a relation field of {model_admin.label_plural}")
    targets = form_data.relation_targets(request)
    options = search_targets(targets, matches[0], request.args.get("q", ""))
    widgets = ModelTemplates(request, model_admin, "_widgets")
    return render(request, widgets["options"], options=options)  # type: ignore[arg-type]


def download(request: Request, slug: str, pk: str, name: str) -> Response:
    """The bytes of a binary column, as an attachment."""
    model_admin = admin_of(request).get(slug)
    require_permission(request, model_admin.permission("view"))
    column = model_admin.info.columns.get(name)
    if column is None or column.kind != "binary" or name in model_admin.exclude:
        abort(404, f"{name!r} is not a file column of {model_admin.label_plural}")
    obj = get_row(request, model_admin, row_key(model_admin, pk))
    data = getattr(obj, name)
    if data is None:
        abort(404, "nothing is stored here")
    filename = f"{model_admin.slug}-{pk}-{name}.bin".replace("/", "_")
    return Response(
        bytes(data),
        mimetype="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
