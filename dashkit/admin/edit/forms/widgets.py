"""The HTML of one form field (label, input, error message), built in Python.

A form page draws a dozen fields; as Jinja2 macros (one for the row, one for the widget,
one for its error, one for its attributes) they cost more than the rest of the page.
Every value is escaped as `markupsafe.escape` escapes it, as autoescaping would (text
without a special character, most names, ids and URLs, is kept as it is); templates reach
these functions as the globals `field_row_html`, `field_error_html` and `options_html`
(`templates/admin/_widgets/fields.html` wraps them in macros of the old names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from dashkit.admin.edit.forms.binding import BoundField

REQUIRED_MARK = ' <span class="required" title="required">*</span>'
DECIMAL_FIELDS = ("DecimalField", "FloatField")
"""Fields whose text input asks a phone for the decimal keypad (matched by class name,
so a subclass with a name of its own chooses for itself)."""


def _html(value: Any) -> str:
    """`value` escaped for HTML as autoescaping would."""
    return str(escape(value))


def field_error_html(name: str, message: str | None) -> Markup:
    """The message slot under a field: empty until a check or a save fills it."""
    return Markup(
        f'<p class="field-error" id="error-{_html(name)}" aria-live="polite">'
        f"{_html(message or '')}</p>"
    )


def options_html(choices: Iterable[tuple[Any, Any]]) -> Markup:
    """An autocomplete's matches: one button per (key, label), or "No matches."."""
    items = []
    for key, label in choices:
        label_html = _html(label)
        items.append(
            f'<li role="option"><button type="button" data-pick="{_html(key)}" '
            f'data-label="{label_html}">{label_html}</button></li>\n'
        )
    return Markup("".join(items) or '<li class="hint">No matches.</li>\n')


def field_row_html(
    field: BoundField,
    prefix: str = "",
    compact: bool = False,
    urls: Mapping[str, str] | None = None,
) -> Markup:
    """One labelled field: `urls` maps "check", "lookup" and "download" to URLs (or nothing).

    `prefix` names an inline row's field (`lines-0-`); `compact` hides the label
    visually, as in a table cell.
    """
    urls = urls or {}
    name = prefix + field.name
    id_html = _html("field-" + name)
    name_html = _html(name)
    form_field = field.field
    classes = f"field field-{_html(field.widget)}"
    if field.error:
        classes += " has-error"
    if compact:
        classes += " compact"
    required = REQUIRED_MARK if form_field.required and not field.read_only else ""
    label_class = "visually-hidden" if compact else "label"
    head = (
        f'<div class="{classes}">\n'
        f'  <label for="{id_html}" class="{label_class}">'
        f"{_html(form_field.label)}{required}</label>\n"
    )
    parts = [head]
    if field.read_only:
        parts.append(f'<output id="{id_html}">{_html(field.text or "—")}</output>\n')
    else:
        draw = WIDGETS.get(field.widget)
        if draw is not None:
            widget = _Widget(field, name_html, id_html, compact, urls, prefix)
            parts.append(draw(widget) + "\n")
    if form_field.help_text and not compact:
        parts.append(f'<p class="help" id="help-{id_html}">{_html(form_field.help_text)}</p>')
    parts.append(f"  {field_error_html(name, field.error)}\n</div>")
    return Markup("".join(parts))


class _Widget:
    """What every widget function reads: the bound field and its escaped name and id."""

    __slots__ = ("bound", "check_url", "compact", "id", "name", "urls")

    def __init__(
        self,
        bound: BoundField,
        name_html: str,
        id_html: str,
        compact: bool,
        urls: Mapping[str, str],
        prefix: str,
    ):
        self.bound = bound
        self.name = name_html
        self.id = id_html
        self.compact = compact
        self.urls = urls
        # an inline row's field is checked when its form is saved, not on blur
        self.check_url = "" if prefix else urls.get("check", "")

    def described(self) -> str:
        """The attributes tying an input to its error slot, and the check on blur."""
        check = ""
        if self.check_url:
            check = (
                f' hx-post="{_html(self.check_url)}" hx-trigger="blur changed"'
                f' hx-target="#error-{self.name}" hx-swap="outerHTML" hx-include="this"'
            )
        invalid = ' aria-invalid="true"' if self.bound.error else ""
        required = " required" if self.bound.field.required else ""
        return f'{check} aria-describedby="error-{self.name}"{invalid}{required}'


def _selected(chosen: bool) -> str:
    return " selected" if chosen else ""


def _text(widget: _Widget) -> str:
    form_field = widget.bound.field
    kind = form_field.input_type
    extra = ""
    max_length = getattr(form_field, "max_length", None)
    if max_length:
        extra += f' maxlength="{_html(max_length)}"'
    if kind == "number":
        extra += ' inputmode="numeric" step="1"'
    if kind in ("datetime-local", "time"):
        extra += ' step="1"'
    if type(form_field).__name__ in DECIMAL_FIELDS:
        extra += ' inputmode="decimal"'
    html = (
        f'<input id="{widget.id}" name="{widget.name}" type="{_html(kind)}" '
        f'value="{_html(widget.bound.text)}"{extra}{widget.described()}>\n'
    )
    if kind == "datetime-local" and not widget.compact:
        html += f'<span class="hint">{_html(form_field.timezone_name)}</span>'
    return html


def _textarea(widget: _Widget) -> str:
    code = (
        ' spellcheck="false" class="code"'
        if type(widget.bound.field).__name__ == "JsonField"
        else ""
    )
    return (
        f'<textarea id="{widget.id}" name="{widget.name}" rows="{2 if widget.compact else 6}"'
        f"{code}{widget.described()}>{_html(widget.bound.text)}</textarea>"
    )


def _checkbox(widget: _Widget) -> str:
    checked = " checked" if widget.bound.text == "true" else ""
    return (
        f'<input id="{widget.id}" name="{widget.name}" type="checkbox" value="true"{checked}'
        f' aria-describedby="error-{widget.name}">'
    )


def _tristate(widget: _Widget) -> str:
    text = widget.bound.text
    return (
        f'<select id="{widget.id}" name="{widget.name}"{widget.described()}>\n'
        f'  <option value=""{_selected(text == "")}>Unknown</option>\n'
        f'  <option value="true"{_selected(text == "true")}>Yes</option>\n'
        f'  <option value="false"{_selected(text == "false")}>No</option>\n'
        "</select>"
    )


def _select(widget: _Widget) -> str:
    bound = widget.bound
    text = bound.text
    empty_label = "Choose…" if bound.field.required else "—"
    head = (
        f'<select id="{widget.id}" name="{widget.name}"{widget.described()}>\n'
        f'  <option value=""{_selected(text == "")}>{empty_label}</option>\n'
    )
    parts = [head]
    for choice in bound.options or getattr(bound.field, "choices", ()):
        key = choice[0]
        parts.append(
            f'  <option value="{_html(key)}"{_selected(key == text)}>{_html(choice[-1])}</option>\n'
        )
    parts.append("</select>")
    return "".join(parts)


def _multi_select(widget: _Widget) -> str:
    options = widget.bound.options
    if not options:
        return f'<p class="hint" id="{widget.id}">Nothing to choose from yet.</p>'
    chosen = widget.bound.chosen
    size = max(min(len(options), 8), 3)
    head = (
        f'<select id="{widget.id}" name="{widget.name}" multiple size="{size}"'
        f' aria-describedby="error-{widget.name}" data-filterable>\n'
    )
    parts = [head]
    for key, label in options:
        parts.append(
            f'  <option value="{_html(key)}"{_selected(key in chosen)}>{_html(label)}</option>\n'
        )
    parts.append("</select>\n")
    return "".join(parts)


def _file(widget: _Widget) -> str:
    bound = widget.bound
    download_url = widget.urls.get("download")
    html = (
        f'<input id="{widget.id}" name="{widget.name}" type="file"'
        f' aria-describedby="error-{widget.name}">\n'
    )
    if bound.stored:
        html += f'<p class="stored-file">Stored: {_html(bound.stored)}\n'
        if download_url:
            html += f'· <a href="{_html(download_url)}" download>Download</a>'
        if bound.field.nullable:
            html += (
                f'· <label><input type="checkbox" name="{widget.name}__clear" value="1">'
                " Remove the file</label>"
            )
        html += "</p>\n"
    elif download_url:
        html += '<p class="hint">Nothing stored; leave empty to keep it so.</p>'
    return html


def _autocomplete(widget: _Widget) -> str:
    bound = widget.bound
    name, id_html = widget.name, widget.id
    many = type(bound.field).__name__ == "ManyToManyField"
    head = (
        f'<div class="autocomplete" data-autocomplete data-many="{"1" if many else ""}"'
        f' data-name="{name}">\n'
    )
    parts = [head]
    described = f'aria-describedby="error-{name} hint-{id_html}"'
    if many:
        parts.append('  <ul class="chosen-list" data-chosen>\n')
        for key, label in bound.options:
            parts.append(
                f'    <li><label><input type="checkbox" name="{name}" value="{_html(key)}"'
                f" checked> {_html(label)}</label></li>\n"
            )
        parts.append(
            "  </ul>\n"
            f'  <input id="{id_html}" name="{name}" type="text" value="" class="key-input"'
            f' placeholder="keys, comma-separated" {described}>\n'
        )
    else:
        required = " required" if bound.field.required else ""
        labels = "".join(_html(label) for _, label in bound.options)
        parts.append(
            f'  <input id="{id_html}" name="{name}" type="text" value="{_html(bound.text)}"'
            f' class="key-input" {described}{required}>\n'
            f'  <span class="chosen-label" data-chosen-label>{labels}</span>\n'
        )
    parts.append(
        f'  <span class="hint" id="hint-{id_html}">Type a key, or search:</span>\n'
        f'  <input type="search" class="search" name="q" autocomplete="off"'
        f' aria-label="Search {_html(bound.field.label)}" aria-controls="options-{id_html}"\n'
        f'    hx-get="{_html(widget.urls.get("lookup"))}" hx-trigger="input changed delay:250ms,'
        f' search" hx-target="#options-{id_html}" hx-sync="this:replace">\n'
        f'  <ul class="options" id="options-{id_html}" role="listbox" aria-label="Matches"></ul>\n'
        "</div>"
    )
    return "".join(parts)


WIDGETS: dict[str, Callable[[_Widget], str]] = {
    "text": _text,
    "textarea": _textarea,
    "checkbox": _checkbox,
    "tristate": _tristate,
    "select": _select,
    "multi_select": _multi_select,
    "file": _file,
    "autocomplete": _autocomplete,
}
"""How each widget kind is drawn; a field whose widget is not here shows its label alone."""
