"""Views that change rows: create, edit, delete, a list cell in place, field checks, lookups.

Every write needs `"<slug>.add|change|delete"` (checked here, on the server), runs as one
savepoint through `dashkit.admin.writes`, and lands in the audit trail. Each htmx
interaction has a whole-page twin, so everything works with JavaScript off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from werkzeug.datastructures import MultiDict

from dashkit.admin import form_data
from dashkit.admin.forms import BoundField, FormResult, bind_fields, coerce_form, search_targets
from dashkit.admin.forms.fields import BinaryField, Field
from dashkit.admin.forms.relations import ForeignKeyField, ManyToManyField
from dashkit.admin.inlines import InlineSet, inline_sets, save_inlines
from dashkit.admin.integrity import IntegrityRefusal
from dashkit.admin.keys import decode_pk, encode_pk
from dashkit.admin.originals import BadOriginals
from dashkit.admin.writes import (
    ConflictError,
    RowNotFound,
    create_row,
    delete_row,
    load_row,
    row_values,
    update_row,
)
from dashkit.audit import CREATE, DELETE, UPDATE, record
from dashkit.auth import flash, require_permission
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
        "/<slug>/<pk>/cell/<name>", "edit_cell", edit_cell, methods=("GET", "POST")
    )
    blueprint.add_url_rule("/<slug>/check/<name>", "check_field", check_field, methods=("POST",))
    blueprint.add_url_rule("/<slug>/lookup/<name>", "lookup", lookup)
    blueprint.add_url_rule("/<slug>/<pk>/file/<name>", "download", download)


# -- shared steps -------------------------------------------------------------------------


def _writable(request: Request, slug: str, verb: str) -> ModelAdmin:
    model_admin = _model_admin(request, slug)
    if model_admin.read_only:
        abort(404, model_admin.read_only_reason or f"{model_admin.label_plural} are read-only")
    require_permission(request, model_admin.permission(verb))
    return model_admin


def _model_admin(request: Request, slug: str) -> ModelAdmin:
    # looked up through the app, not imported: the registry imports this module
    return request.app.extensions["admin"].get(slug)


def _key(model_admin: ModelAdmin, text: str) -> tuple[Any, ...]:
    try:
        return decode_pk(model_admin, text)
    except ValueError:
        abort(404, f"{text!r} is not a key of {model_admin.label_plural}")


def _scope(request: Request, model_admin: ModelAdmin) -> Any:
    return lambda statement: model_admin.scope(request, statement)


def _load(request: Request, model_admin: ModelAdmin, pk: tuple[Any, ...]) -> Any:
    try:
        return load_row(request.db, model_admin.model, pk, scope=_scope(request, model_admin))
    except RowNotFound:
        abort(404, f"no {model_admin.label} with key {encode_pk(pk)}")


def _labels(fields: list[Any]) -> dict[str, str]:
    return {item.name: item.label for item in fields}


def _next_url(request: Request, fallback: str) -> str:
    target = request.values.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else fallback


# -- create and edit ------------------------------------------------------------------------


def _form_page(
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
    status: int = 200,
) -> Response:
    creating = obj is None
    if fields is None:
        fields = form_data.form_fields(request, model_admin, creating=creating)
    values = row_values(obj, [item.name for item in fields]) if obj is not None else {}
    bound = bind_fields(
        form_data.relation_targets(request),
        fields,
        values,
        raw=result.raw if result else None,
        errors=result.errors if result else None,
    )
    for item in bound:
        item.urls = _field_urls(request, model_admin, item, pk, creating)
    key_fields = (
        [] if creating else [(name, getattr(obj, name)) for name in model_admin.info.primary_key]
    )
    readonly = (
        [] if creating else [(name, getattr(obj, name)) for name in model_admin.readonly_fields]
    )
    return render(
        request,
        "admin/form.html",
        status=status,
        model_admin=model_admin,
        obj=obj,
        pk_text=encode_pk(pk) if pk is not None else None,
        fields=bound,
        key_fields=key_fields,
        readonly=readonly,
        form_errors=form_errors or [],
        token=token,
        conflict=_conflict_rows(fields, conflict) if conflict else None,
        conflict_message=str(conflict) if conflict else "",
        inlines=inlines or [],
        multipart=any(isinstance(item, BinaryField) for item in fields),
        page_title=(f"Add {model_admin.label}" if creating else f"Edit {model_admin.label}"),
    )


def _field_urls(
    request: Request,
    model_admin: ModelAdmin,
    item: BoundField,
    pk: tuple[Any, ...] | None,
    creating: bool,
) -> dict[str, str]:
    """The URLs a widget calls: field check on blur, relation lookup, file download."""
    slug, name = model_admin.slug, item.name
    check = request.url_for("admin.check_field", slug=slug, name=name)
    urls = {"check": f"{check}?creating=1" if creating else check}
    if item.widget == "autocomplete":
        urls["lookup"] = request.url_for("admin.lookup", slug=slug, name=name)
    if item.widget == "file" and pk is not None:
        urls["download"] = request.url_for("admin.download", slug=slug, pk=encode_pk(pk), name=name)
    return urls


def _conflict_rows(fields: list[Any], conflict: ConflictError) -> list[dict[str, Any]]:
    rows = []
    for item in fields:
        current = conflict.current.get(item.name) if conflict.current else None
        mine = conflict.submitted.get(item.name, current)
        rows.append(
            {
                "label": item.label,
                "current": form_data.display_value(item, current)
                if conflict.current
                else "(deleted)",
                "mine": form_data.display_value(item, mine),
                "changed": item.name in conflict.fields,
            }
        )
    return rows


def create(request: Request, slug: str) -> Response:
    """The empty form, and inserting the row it posts."""
    model_admin = _writable(request, slug, "add")
    if request.method == "GET":
        return _form_page(request, model_admin)
    fields = form_data.form_fields(request, model_admin, creating=True)
    result = coerce_form(fields, request.form, request.files, creating=True)
    if not result.ok:
        return _form_page(request, model_admin, result=result, status=422)
    try:
        written = create_row(request.db, model_admin.model, result.values, labels=_labels(fields))
    except IntegrityRefusal as refusal:
        result.errors.update(refusal.field_errors)
        return _form_page(
            request, model_admin, result=result, form_errors=refusal.form_errors, status=422
        )
    pk_text = encode_pk(written.pk)
    record(request, CREATE, model_admin.slug, pk_text, written.changes)
    flash(request, f"Added {model_admin.label} {pk_text}.", "success")
    if request.form.get("_continue"):
        return redirect(request.url_for("admin.edit", slug=slug, pk=pk_text))
    return redirect(request.url_for("admin.detail", slug=slug, pk=pk_text))


def edit(request: Request, slug: str, pk: str) -> Response:
    """The form filled with the row, and saving it unless someone changed it meanwhile."""
    model_admin = _writable(request, slug, "change")
    key = _key(model_admin, pk)
    obj = _load(request, model_admin, key)
    fields = form_data.form_fields(request, model_admin, creating=False)
    names = [item.name for item in fields]
    if request.method == "GET":
        token = form_data.originals_token(request, model_admin, key, obj, names)
        inlines = inline_sets(request, model_admin, obj)
        return _form_page(
            request, model_admin, obj=obj, pk=key, token=token, inlines=inlines, fields=fields
        )
    token = request.form.get("_originals", "")
    try:
        originals = form_data.posted_originals(request, model_admin, key)
    except BadOriginals as error:
        abort(400, str(error))
    result = coerce_form(fields, request.form, request.files)
    inlines = inline_sets(request, model_admin, obj, posted=request.form)
    if not result.ok or any(item.has_errors for item in inlines):
        return _form_page(
            request,
            model_admin,
            obj=obj,
            pk=key,
            result=result,
            token=token,
            inlines=inlines,
            status=422,
        )
    try:
        with request.db.begin_nested():
            written = update_row(
                request.db,
                model_admin.model,
                key,
                result.values,
                originals,
                scope=_scope(request, model_admin),
                labels=_labels(fields),
            )
            child_events = save_inlines(request, model_admin, obj, inlines)
    except ConflictError as conflict:
        obj = _reload_or_none(request, model_admin, key)
        if obj is None:
            flash(request, str(conflict), "error")
            return redirect(request.url_for("admin.list", slug=slug))
        fresh = form_data.originals_token(request, model_admin, key, obj, names)
        return _form_page(
            request,
            model_admin,
            obj=obj,
            pk=key,
            result=result,
            token=fresh,
            conflict=conflict,
            inlines=inline_sets(request, model_admin, obj),
            status=409,
        )
    except IntegrityRefusal as refusal:
        result.errors.update(refusal.field_errors)
        return _form_page(
            request,
            model_admin,
            obj=obj,
            pk=key,
            result=result,
            token=token,
            form_errors=refusal.form_errors,
            inlines=inlines,
            status=422,
        )
    if written.changes:
        record(request, UPDATE, model_admin.slug, pk, written.changes)
    for event in child_events:
        record(request, *event)
    flash(request, f"Saved {model_admin.label} {pk}.", "success")
    if request.form.get("_continue"):
        return redirect(request.url_for("admin.edit", slug=slug, pk=pk))
    return redirect(request.url_for("admin.detail", slug=slug, pk=pk))


def _reload_or_none(request: Request, model_admin: ModelAdmin, key: tuple[Any, ...]) -> Any:
    try:
        return load_row(request.db, model_admin.model, key, scope=_scope(request, model_admin))
    except RowNotFound:
        return None


# -- delete -------------------------------------------------------------------------------------


def delete(request: Request, slug: str, pk: str) -> Response:
    """A confirmation listing the rows that depend on this one, then the delete."""
    model_admin = _writable(request, slug, "delete")
    key = _key(model_admin, pk)
    obj = _load(request, model_admin, key)
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
                request.db, model_admin.model, key, originals, scope=_scope(request, model_admin)
            )
        except ConflictError as conflict:
            problems, status = [f"{conflict} Review it and confirm again."], 409
            obj = _reload_or_none(request, model_admin, key)
            if obj is None:
                flash(request, str(conflict), "error")
                return redirect(request.url_for("admin.list", slug=slug))
        except IntegrityRefusal as refusal:
            problems, status = refusal.form_errors or list(refusal.field_errors.values()), 409
        else:
            record(request, DELETE, model_admin.slug, pk, written.changes)
            flash(request, f"Deleted {model_admin.label} {pk}.", "success")
            return redirect(_next_url(request, request.url_for("admin.list", slug=slug)))
    token = form_data.originals_token(request, model_admin, key, obj, names)
    return render(
        request,
        "admin/delete.html",
        block="dialog" if request.is_htmx and request.method == "GET" else None,
        status=status,
        model_admin=model_admin,
        obj=obj,
        pk_text=pk,
        token=token,
        dependents=form_data.dependents(request.db, model_admin, obj),
        problems=problems,
        next_url=_next_url(request, ""),
        page_title=f"Delete {model_admin.label} {pk}?",
    )


# -- a list cell edited in place ----------------------------------------------------------------


def edit_cell(request: Request, slug: str, pk: str, name: str) -> Response:
    """One column of one row: an editor (an htmx fragment, or a small page without JS)."""
    model_admin = _writable(request, slug, "change")
    item = form_data.cell_field(request, model_admin, name)
    if item is None:
        abort(404, f"{name!r} cannot be edited in the list")
    key = _key(model_admin, pk)
    obj = _load(request, model_admin, key)
    context: dict[str, Any] = {
        "model_admin": model_admin,
        "obj": obj,
        "pk_text": pk,
        "item": item,
        "next_url": _next_url(request, request.url_for("admin.list", slug=slug)),
        "page_title": f"Edit {item.label} of {model_admin.label} {pk}",
    }
    if request.method == "GET" and request.args.get("cancel"):
        return render(
            request, "admin/cell.html", block="display", value=getattr(obj, name), **context
        )
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
                written = update_row(
                    request.db,
                    model_admin.model,
                    key,
                    result.values,
                    originals,
                    scope=_scope(request, model_admin),
                )
            except ConflictError as conflict:
                obj = _reload_or_none(request, model_admin, key)
                if obj is None:
                    abort(409, str(conflict))
                current = form_data.display_value(item, getattr(obj, name))
                message = f"{conflict} It is now “{current}”; save again to replace it."
                token = form_data.originals_token(request, model_admin, key, obj, [name])
                status = 409
            except IntegrityRefusal as refusal:
                errors = refusal.field_errors or {name: " ".join(refusal.form_errors)}
            else:
                if written.changes:
                    record(request, UPDATE, model_admin.slug, pk, written.changes)
                # a toast with htmx (auth moves it into HX-Trigger), the next page without
                flash(
                    request, f"Saved {item.label.lower()} of {model_admin.label} {pk}.", "success"
                )
                if not request.is_htmx:
                    return redirect(context["next_url"])
                return render(
                    request, "admin/cell.html", block="display", value=getattr(obj, name), **context
                )
    bound = bind_fields(None, [item], {name: getattr(obj, name)}, raw=raw, errors=errors)[0]
    # htmx swaps only 2xx answers; the fragment itself carries the error
    return render(
        request,
        "admin/cell.html",
        block="editor" if request.is_htmx else None,
        status=200 if request.is_htmx else status,
        field=bound,
        token=token,
        message=message,
        **context,
    )


# -- helpers for the form: field check on blur, relation lookup, file download -------------------


def check_field(request: Request, slug: str, name: str) -> Response:
    """Coerce one posted field and answer with its error message element (htmx, on blur)."""
    model_admin = _writable(request, slug, "add" if request.args.get("creating") else "change")
    fields = form_data.form_fields(
        request, model_admin, creating=bool(request.args.get("creating"))
    )
    matches = [item for item in fields if item.name == name]
    if not matches:
        abort(404, f"{name!r} is not a field of the {model_admin.label} form")
    result = coerce_form(
        matches, request.form, MultiDict(), creating=bool(request.args.get("creating"))
    )
    return render(
        request, "admin/_widgets/error.html", field_name=name, error=result.errors.get(name)
    )


def lookup(request: Request, slug: str, name: str) -> Response:
    """Options of a foreign-key or many-to-many field matching `q` (at most twenty)."""
    model_admin = _writable(request, slug, "view")
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
    return render(request, "admin/_widgets/options.html", options=options)


def download(request: Request, slug: str, pk: str, name: str) -> Response:
    """The bytes of a binary column, as an attachment."""
    model_admin = _model_admin(request, slug)
    require_permission(request, model_admin.permission("view"))
    column = model_admin.info.columns.get(name)
    if column is None or column.kind != "binary" or name in model_admin.exclude:
        abort(404, f"{name!r} is not a file column of {model_admin.label_plural}")
    obj = _load(request, model_admin, _key(model_admin, pk))
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
