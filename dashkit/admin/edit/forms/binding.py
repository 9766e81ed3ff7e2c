"""Fields bound to a row's values (or a user's rejected input) and their errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from dashkit.admin.edit.forms.choices import Option, Targets, field_options
from dashkit.admin.edit.forms.fields import BinaryField, Field, FieldError
from dashkit.admin.edit.forms.relations import ForeignKeyField, ManyToManyField


@dataclass
class BoundField:
    """A field with what it shows now: the text, the chosen keys, the error, the options
    (`widgets.field_widget` turns it into what its template draws)."""

    field: Field
    text: str
    chosen: list[str] = field(default_factory=list)
    error: str | None = None
    widget: str = "text"
    options: list[Option] = field(default_factory=list)
    read_only: bool = False
    stored: str = ""
    """For binary fields: a description of what is stored ("1,024 bytes")."""

    @property
    def name(self) -> str:
        return self.field.name


def _keys_from_input(field: ForeignKeyField | ManyToManyField, raw: Any) -> list[Any]:
    keys = []
    for text in raw if isinstance(raw, list) else [raw]:
        try:
            keys.append(field.key.parse(str(text).strip()))
        except (FieldError, TypeError):
            continue
    return keys


def bind_fields(
    targets: Targets | None,
    fields: Sequence[Field],
    values: Mapping[str, Any],
    *,
    raw: Mapping[str, Any] | None = None,
    errors: Mapping[str, str] | None = None,
    read_only: Sequence[str] = (),
) -> list[BoundField]:
    """Bind each field to a stored value, or to the user's raw input when the form came back.

    Relation fields get their options from `targets` (without it, plain widgets).
    """
    raw = raw or {}
    errors = errors or {}
    bound = []
    for item in fields:
        value = values.get(item.name)
        if item.name in raw and not isinstance(item, BinaryField):
            given = raw[item.name]
            text = "" if isinstance(given, list) or given is None else str(given)
            chosen = [str(v) for v in given] if isinstance(given, list) else [text]
            if isinstance(item, (ForeignKeyField, ManyToManyField)):
                value = _keys_from_input(item, given)
                value = (
                    value if isinstance(item, ManyToManyField) else (value[0] if value else None)
                )
        else:
            text = item.format(value) if not isinstance(item, ManyToManyField) else ""
            chosen = (
                [item.key.format(v) for v in value or []]
                if isinstance(item, ManyToManyField)
                else [text]
            )
        widget, options = item.widget, []
        if targets is not None and item.name not in read_only:
            widget, options = field_options(targets, item, value)
        bound.append(
            BoundField(
                field=item,
                text=text,
                chosen=chosen,
                error=errors.get(item.name),
                widget=widget,
                options=options,
                read_only=item.name in read_only,
                stored=item.format(value) if isinstance(item, BinaryField) else "",
            )
        )
    return bound
