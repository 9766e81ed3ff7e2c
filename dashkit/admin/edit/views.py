"""Views that change rows: create, edit (with inlines) and delete, plus the routes of
`field_views` (cell edit, field check, relation lookup, file download).

Every write needs `"<slug>.add|change|delete"` (checked here, on the server), runs as one
savepoint through `dashkit.admin.edit.writes`, and lands in the audit trail. Each htmx
interaction has a whole-page twin, so everything works with JavaScript off.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from dashkit.admin.edit import field_views, form_data
from dashkit.admin.edit.access import next_url, save_row, writable
from dashkit.admin.edit.forms import FormResult, bind_fields, coerce_form
from dashkit.admin.edit.forms.choices import Option
from dashkit.admin.edit.forms.fields import Field
from dashkit.admin.edit.inlines import ChildConflict, InlineSet, inline_sets, save_inlines
from dashkit.admin.edit.originals import BadOriginals
from dashkit.admin.edit.page import form_page
from dashkit.admin.edit.submissions import created_by, record_submission
from dashkit.admin.edit.writes import ConflictError, Hooks, create_row, delete_row, row_values
from dashkit.admin.errors import WriteRefused
from dashkit.admin.keys import encode_pk
from dashkit.admin.rows import (
    RowNotFound,
    find_row,
    get_row,
    no_such_row,
    row_key,
    scoped_select,
)
from dashkit.admin.templates import ModelTemplates, page_template
from dashkit.audit import CREATE, DELETE, UPDATE, record
from dashkit.auth import flash
from dashkit.http import Request, Response, abort, redirect
from dashkit.routing import Blueprint
from dashkit.templating import render

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin


def register_routes(blueprint: Blueprint) -> None:
    """Register the write endpoints (`admin.create`, `admin.edit`, `admin.delete`, …)."""
    blueprint.add_url_rule("/<slug>/new", "create", create, methods=("GET", "POST"))
    blueprint.add_url_rule("/<slug>/<pk>/edit", "edit", edit, methods=("GET", "POST"))
    blueprint.add_url_rule("/<slug>/<pk>/delete", "delete", delete, methods=("GET", "POST"))
    blueprint.add_url_rule(
        "/<slug>/<pk>/cell/<name>", "edit_cell", field_views.edit_cell, methods=("GET", "POST")
    )
    blueprint.add_url_rule(
        "/<slug>/check/<name>", "check_field", field_views.check_field, methods=("POST",)
    )
    blueprint.add_url_rule("/<slug>/lookup/<name>", "lookup", field_views.lookup)
    blueprint.add_url_rule("/<slug>/<pk>/file/<name>", "download", field_views.download)


def _labels(fields: list[Any]) -> dict[str, str]:
    return {item.name: item.label for item in fields}


def _place_errors(fields: list[Field], refusal: WriteRefused, result: FormResult) -> list[str]:
    """Put a refusal's field messages (the database's or a hook's) next to their inputs; a
    message about a column the form does not show (or an inline row's) goes to the form,
    named."""
    shown = {item.name: item.label for item in fields}
    form_errors = list(refusal.form_errors)
    for name, message in refusal.field_errors.items():
        if name in shown:
            result.errors[name] = message
        elif "-" not in name:  # inline rows carry their own messages
            form_errors.append(f"{name.replace('_', ' ').capitalize()}: {message}")
    return form_errors


# -- create and edit ------------------------------------------------------------------------


def _render_form(
    request: Request,
    model_admin: ModelAdmin,
    *,
    obj: Any = None,
    pk: tuple[Any, ...] | None = None,
    result: FormResult | None = None,
    form_errors: list[str] | None = None,
    token: str = "",
    conflict: ConflictError | None = None,
    inlines: list[InlineSet] | None = None,
    fields: list[Field] | None = None,
    labels: dict[str, tuple[Any, list[Option]]] | None = None,
    status: int = 200,
) -> Response:
    """The create or edit form: bound to the row, or to the user's input when it came back."""
    if fields is None:
        fields = form_data.form_fields(request, model_admin, creating=obj is None)
    values = row_values(obj, [item.name for item in fields]) if obj is not None else {}
    bound = bind_fields(
        form_data.relation_targets(request, labels),
        fields,
        values,
        raw=result.raw if result else None,
        errors=result.errors if result else None,
    )
    page = form_page(
        request,
        model_admin,
        bound,
        obj=obj,
        pk_text=encode_pk(pk) if pk is not None else None,
        token=token,
        form_errors=form_errors or [],
        conflict=conflict,
        inlines=inlines or [],
    )
    return render(
        request,
        page_template(request, model_admin, "form"),
        status=status,
        model_admin=model_admin,
        page=page,
        page_title=page.title,
        widget_templates=ModelTemplates(request, model_admin, "_widgets"),
    )


def create(request: Request, slug: str) -> Response:
    """The empty form, and inserting the row it posts."""
    model_admin = writable(request, slug, "add")
    if request.method == "GET":
        return _render_form(request, model_admin)
    earlier = created_by(request, model_admin)
    if earlier is not None:  # posted again: a double click, a retry
        flash(request, f"This form was saved already: here is the {model_admin.label} it added.")
        return redirect(request.url_for("admin.detail", slug=slug, pk=earlier))
    fields = form_data.form_fields(request, model_admin, creating=True)
    result = coerce_form(fields, request.form, request.files, creating=True)
    result.errors.update(form_data.unreachable_targets(request, fields, result.values))
    if not result.ok:
        return _render_form(request, model_admin, result=result, status=422)
    try:
        written = create_row(
            request.db,
            model_admin.model,
            result.values,
            labels=_labels(fields),
            hooks=Hooks.of(model_admin, request),
        )
    except WriteRefused as refusal:
        form_errors = _place_errors(fields, refusal, result)
        return _render_form(request, model_admin, result=result, form_errors=form_errors, status=422)
    pk_text = encode_pk(written.pk)
    if not record_submission(request, model_admin, pk_text):
        abort(409, f"This form was saved a moment ago by another post; its {model_admin.label} "
              "is in the list, and this post added nothing.")
    record(request, CREATE, model_admin.slug, pk_text, written.changes)
    return _saved(request, slug, pk_text, f"Added {model_admin.label} {pk_text}.")


def edit(request: Request, slug: str, pk: str) -> Response:
    """The form filled with the row, and saving it unless someone changed it meanwhile."""
    model_admin = writable(request, slug, "change")
    key = row_key(model_admin, pk)
    fields = form_data.form_fields(request, model_admin, creating=False)
    names = [item.name for item in fields]
    if request.method == "GET":
        try:
            obj, labels = form_data.row_for_form(request, model_admin, key, fields)
        except RowNotFound:
            no_such_row(model_admin, pk)
        token = form_data.originals_token(request, model_admin, key, obj, names)
        inlines = inline_sets(request, model_admin, obj)
        return _render_form(
            request,
            model_admin,
            obj=obj,
            pk=key,
            token=token,
            inlines=inlines,
            fields=fields,
            labels=labels,
        )
    obj = get_row(request, model_admin, key)
    token = request.form.get("_originals", "")
    try:
        originals = form_data.posted_originals(request, model_admin, key)
    except BadOriginals as error:
        abort(400, str(error))
    result = coerce_form(fields, request.form, request.files)
    current = row_values(obj, [name for name in names if name in result.values])
    result.errors.update(form_data.unreachable_targets(request, fields, result.values, current))
    inlines = inline_sets(request, model_admin, obj, posted=request.form)
    # every refusal re-shows the user's input on the same form
    refuse = partial(_render_form, request, model_admin, obj=obj, pk=key, result=result, token=token)
    if not result.ok or any(item.has_errors for item in inlines):
        return refuse(inlines=inlines, status=422)
    try:
        with request.db.begin_nested():
            written = save_row(
                request, model_admin, key, result.values, originals, labels=_labels(fields)
            )
            child_events = save_inlines(request, model_admin, obj, inlines)
    except ChildConflict as conflict:
        return refuse(
            form_errors=[str(conflict)],
            inlines=inline_sets(request, model_admin, obj),
            status=409,
        )
    except ConflictError as conflict:
        obj = find_row(request, model_admin, key)
        if obj is None:
            flash(request, str(conflict), "error")
            return redirect(request.url_for("admin.list", slug=slug))
        fresh = form_data.originals_token(request, model_admin, key, obj, names)
        return refuse(
            obj=obj,
            token=fresh,
            conflict=conflict,
            inlines=inline_sets(request, model_admin, obj),
            status=409,
        )
    except WriteRefused as refusal:
        form_errors = _place_errors(fields, refusal, result)
        return refuse(form_errors=form_errors, inlines=inlines, status=422)
    if written.changes:
        record(request, UPDATE, model_admin.slug, pk, written.changes)
    for event in child_events:
        record(request, *event)
    return _saved(request, slug, pk, f"Saved {model_admin.label} {pk}.")


def _saved(request: Request, slug: str, pk: str, message: str) -> Response:
    """After a save: the message, then the form again ("save and continue") or the row."""
    flash(request, message, "success")
    endpoint = "admin.edit" if request.form.get("_continue") else "admin.detail"
    return redirect(request.url_for(endpoint, slug=slug, pk=pk))


# -- delete -------------------------------------------------------------------------------------


def delete(request: Request, slug: str, pk: str) -> Response:
    """A confirmation listing the rows that depend on this one, then the delete."""
    model_admin = writable(request, slug, "delete")
    key = row_key(model_admin, pk)
    obj = get_row(request, model_admin, key)
    names = [item.name for item in form_data.form_fields(request, model_admin, creating=False)]
    problems: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            originals = form_data.posted_originals(request, model_admin, key)
        except BadOriginals as error:
            abort(400, str(error))
        try:
            written = delete_row(
                request.db,
                model_admin.model,
                key,
                originals,
                rows=scoped_select(request, model_admin),
                hooks=Hooks.of(model_admin, request),
            )
        except ConflictError as conflict:
            problems, status = [f"{conflict} Review it and confirm again."], 409
            obj = find_row(request, model_admin, key)
            if obj is None:
                flash(request, str(conflict), "error")
                return redirect(request.url_for("admin.list", slug=slug))
        except WriteRefused as refusal:
            problems, status = refusal.form_errors or list(refusal.field_errors.values()), 409
        else:
            record(request, DELETE, model_admin.slug, pk, written.changes)
            flash(request, f"Deleted {model_admin.label} {pk}.", "success")
            return redirect(next_url(request, request.url_for("admin.list", slug=slug)))
    token = form_data.originals_token(request, model_admin, key, obj, names)
    return render(
        request,
        page_template(request, model_admin, "delete"),
        block="dialog" if request.is_htmx and request.method == "GET" else None,
        status=status,
        model_admin=model_admin,
        obj=obj,
        pk_text=pk,
        token=token,
        dependents=form_data.dependents(request.db, model_admin, obj),
        problems=problems,
        next_url=next_url(request, ""),
        page_title=f"Delete {model_admin.label} {pk}?",
    )
