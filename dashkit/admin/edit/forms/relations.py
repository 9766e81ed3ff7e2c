"""Fields that point at other rows: a foreign key column and a many-to-many collection.

Coercion checks only the shape of the key; whether the row exists is the database's
answer (a foreign-key violation becomes a field error in `dashkit.admin.edit.integrity`).
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict

from dashkit.admin.edit.forms.fields import Field, FieldError

SELECT_LIMIT = 200
"""Tables with at most this many rows get a plain select; larger ones an autocomplete."""


class ForeignKeyField(Field):
    """A column referring to one row of `target` (a mapped class) through `target_key`."""

    widget = "foreign_key"

    def __init__(self, name: str, *, key: Field, target: type, target_key: str, **options: Any):
        super().__init__(name, **options)
        self.key = key
        self.target = target
        self.target_key = target_key

    def coerce(self, raw: Any, *, creating: bool = False) -> Any:
        return self.key.coerce(raw, creating=creating)

    def format(self, value: Any) -> str:
        return self.key.format(value)


class ManyToManyField(Field):
    """A relationship through an association table; posted as a list of the targets' keys."""

    widget = "many_to_many"

    def __init__(self, name: str, *, key: Field, target: type, target_key: str, **options: Any):
        super().__init__(name, **options)
        self.key = key
        self.target = target
        self.target_key = target_key

    @property
    def required(self) -> bool:
        return False

    def extract(self, form: MultiDict[str, str], files: MultiDict[str, FileStorage]) -> Any:
        # several keys may come in one text input, comma-separated (the no-JavaScript path)
        return [
            part for text in form.getlist(self.name) for part in text.split(",") if part.strip()
        ]

    def coerce(self, raw: Any, *, creating: bool = False) -> list[Any]:
        keys: list[Any] = []
        for text in raw or []:
            try:
                key = self.key.parse(str(text).strip())
            except FieldError as error:
                raise FieldError(f"{text!r} is not a valid key: {error.message}") from None
            if key not in keys:
                keys.append(key)
        return keys

    def format(self, value: Any) -> str:
        return ", ".join(self.key.format(key) for key in value or [])
