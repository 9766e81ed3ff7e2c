"""Coerce a whole posted form: every field's value, or every field's error, at once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from dashkit.admin.edit.forms.fields import UNSET, Field, FieldError


@dataclass
class FormResult:
    """What came of a post: the values to write, the errors to show, and the input to keep."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def coerce_form(
    fields: Sequence[Field],
    form: MultiDict[str, str],
    files: MultiDict[str, FileStorage] | None = None,
    *,
    creating: bool = False,
) -> FormResult:
    """Coerce each field; fields left `UNSET` are not in `values`."""
    files = files if files is not None else MultiDict()
    result = FormResult()
    for item in fields:
        raw = item.extract(form, files)
        result.raw[item.name] = raw if isinstance(raw, (str, list)) or raw is None else ""
        try:
            value = item.coerce(raw, creating=creating)
        except FieldError as error:
            result.errors[item.name] = error.message
            continue
        if value is not UNSET:
            result.values[item.name] = value
    return result
