"""What a form field's template draws: every value a widget shows, ready to print.

A form draws its fields with `admin/_widgets/_rows.html` (label, required mark, help and
error slot of each), and each field's input with the template of its kind,
`admin/_widgets/<kind>.html` (`text`, `textarea`, `checkbox`, `tristate`, `select`,
`multi_select`, `file`, `autocomplete`). An app overrides a kind for all its models in
its own `admin/_widgets/`, or for one model in `admin/<slug>/_widgets/`. Python decides
the values (names, ids, the text shown, which choices are selected, what a phone's
keyboard offers, the URLs an input calls); the templates hold the markup, and Jinja2's
autoescape escapes every value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from dashkit.admin.display import Choice

if TYPE_CHECKING:
    from dashkit.admin.edit.forms.binding import BoundField

DECIMAL_FIELDS = ("DecimalField", "FloatField")
"""Fields whose text input asks a phone for the decimal keypad (matched by class name,
so a subclass with a name of its own chooses for itself)."""
STEPPED_INPUTS = ("number", "datetime-local", "time")
"""Input types stepping by one unit: whole numbers, and times to the second."""


@dataclass(slots=True)
class Widget:
    """One field as its templates draw it. Plain values only: no markup, nothing escaped."""

    kind: str
    """Which template draws the input: `admin/_widgets/<kind>.html`."""
    name: str
    """The posted name; an inline row's is prefixed (`lines-0-qty`)."""
    id: str
    """The input's id, which its label points at: `field-<name>`."""
    label: str
    text: str = ""
    """The value as the input shows it (the user's input when the form came back)."""
    required: bool = False
    error: str = ""
    help: str = ""
    compact: bool = False
    """Drawn in a table cell: the label only for screen readers, no help text."""
    read_only: bool = False
    check_url: str = ""
    """Where the field is checked when it loses focus (none in an inline row)."""
    input_type: str = "text"
    max_length: int | None = None
    inputmode: str = ""
    step: str = ""
    hint: str = ""
    """A word beside the input, e.g. the time zone a datetime is read in."""
    rows: int = 6
    code: bool = False
    """A textarea holding code (JSON): monospaced, not spellchecked."""
    choices: list[Choice] = field(default_factory=list)
    """A select's options, or an autocomplete's chosen rows."""
    size: int = 0
    """How many rows of a multiple select show at once."""
    many: bool = False
    """An autocomplete choosing several rows (many-to-many)."""
    lookup_url: str = ""
    stored: str = ""
    """For a file: what is stored now ("1,024 bytes"), or nothing."""
    clearable: bool = False
    download_url: str = ""


def field_widget(
    bound: BoundField,
    *,
    prefix: str = "",
    compact: bool = False,
    urls: Mapping[str, str] | None = None,
) -> Widget:
    """The widget of a bound field; `urls` maps "check", "lookup" and "download" to URLs.

    `prefix` names an inline row's field (`lines-0-`), which is checked when its form is
    saved rather than on blur; `compact` draws the field in a table cell.
    """
    urls = urls or {}
    form_field = bound.field
    name = prefix + form_field.name
    widget = Widget(
        kind=bound.widget,
        name=name,
        id="field-" + name,
        label=form_field.label,
        text=bound.text,
        required=form_field.required and not bound.read_only,
        error=bound.error or "",
        help="" if compact else form_field.help_text,
        compact=compact,
        read_only=bound.read_only,
        check_url="" if prefix else urls.get("check", ""),
    )
    if bound.read_only:
        return widget
    kind = widget.kind
    if kind == "text":
        input_type = form_field.input_type
        widget.input_type = input_type
        widget.max_length = getattr(form_field, "max_length", None)
        if input_type == "number":
            widget.inputmode = "numeric"
        elif type(form_field).__name__ in DECIMAL_FIELDS:
            widget.inputmode = "decimal"
        widget.step = "1" if input_type in STEPPED_INPUTS else ""
        if input_type == "datetime-local" and not compact:
            widget.hint = form_field.timezone_name  # type: ignore[attr-defined]
    elif kind == "textarea":
        widget.rows = 2 if compact else 6
        widget.code = type(form_field).__name__ == "JsonField"
    elif kind == "select":
        text = bound.text
        widget.choices = [
            Choice(choice[0], choice[-1], choice[0] == text)
            for choice in bound.options or getattr(form_field, "choices", ())
        ]
    elif kind == "multi_select":
        chosen = bound.chosen
        widget.choices = [Choice(key, label, key in chosen) for key, label in bound.options]
        widget.size = max(min(len(widget.choices), 8), 3)
    elif kind == "autocomplete":
        widget.many = type(form_field).__name__ == "ManyToManyField"
        widget.choices = [Choice(key, label, True) for key, label in bound.options]
        widget.lookup_url = urls.get("lookup", "")
    elif kind == "file":
        widget.stored = bound.stored
        widget.clearable = form_field.nullable
        widget.download_url = urls.get("download", "")
    return widget
