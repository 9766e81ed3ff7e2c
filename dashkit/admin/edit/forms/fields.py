"""Form fields of scalar column types: the widget to draw and the coercion of what came back.

Every field turns the text a browser posted into the Python value its column stores, or
raises `FieldError` with a message a person can act on. Nothing here touches a database.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from werkzeug.datastructures import FileStorage, MultiDict


class FieldError(ValueError):
    """The posted value cannot become a value of the column; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Unset:
    """The field was left as it is: keep the stored value, or let the default apply."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset()

REQUIRED = "This field is required."


def refuse_nul(text: str) -> None:
    """A NUL character is no text a form means to store (PostgreSQL refuses it outright)."""
    if "\x00" in text:
        raise FieldError("Text cannot hold a NUL character.")


class Field:
    """One editable column: its label, whether it may be empty, its widget and coercion."""

    widget = "text"
    input_type = "text"
    strip = True

    def __init__(
        self,
        name: str,
        *,
        label: str | None = None,
        nullable: bool = True,
        has_default: bool = False,
        primary_key: bool = False,
        help_text: str = "",
    ):
        self.name = name
        self.label = label or name.replace("_", " ").capitalize()
        self.nullable = nullable
        self.has_default = has_default
        self.primary_key = primary_key
        self.help_text = help_text

    @property
    def required(self) -> bool:
        """True when the form cannot be saved with this field empty."""
        return not self.nullable and not self.has_default

    def extract(self, form: MultiDict[str, str], files: MultiDict[str, FileStorage]) -> Any:
        """The raw posted value of this field (None when absent)."""
        return form.get(self.name)

    def coerce(self, raw: Any, *, creating: bool = False) -> Any:
        """The column value for `raw`, `UNSET` to keep/default it, or raise `FieldError`."""
        text = "" if raw is None else str(raw)
        if text.strip() == "":
            return self.empty(creating=creating)
        refuse_nul(text)
        return self.parse(text.strip() if self.strip else text)

    def empty(self, *, creating: bool) -> Any:
        """What an empty input means: NULL, the default on create, or a required error."""
        if self.nullable:
            return None
        if creating and self.has_default:
            return UNSET
        raise FieldError(REQUIRED)

    def parse(self, text: str) -> Any:
        """The value of non-empty text; subclasses check it and raise `FieldError`."""
        return text

    def format(self, value: Any) -> str:
        """The text to put back into the widget for a stored value."""
        return "" if value is None else str(value)


class StringField(Field):
    """A single line of text, at most `max_length` characters when the column says so.

    Kept exactly as typed: trimming would change stored values on a save that changed
    nothing (`"Edinburgh "` in Chinook). Only whitespace alone counts as empty.
    """

    strip = False

    def __init__(self, name: str, *, max_length: int | None = None, **options: Any):
        super().__init__(name, **options)
        self.max_length = max_length

    def parse(self, text: str) -> str:
        if self.max_length is not None and len(text) > self.max_length:
            raise FieldError(f"At most {self.max_length} characters (you entered {len(text)}).")
        return text


class TextField(StringField):
    """Several lines of text, kept exactly as typed."""

    widget = "textarea"

    def coerce(self, raw: Any, *, creating: bool = False) -> Any:
        text = "" if raw is None else str(raw).replace("\r\n", "\n")
        if text.strip() == "":
            return self.empty(creating=creating)
        refuse_nul(text)
        return self.parse(text)


WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


class IntegerField(Field):
    """A whole number within the range of the column's integer type: `bits` wide, signed
    or not (MySQL's UNSIGNED)."""

    input_type = "number"

    def __init__(self, name: str, *, bits: int = 32, unsigned: bool = False, **options: Any):
        super().__init__(name, **options)
        if unsigned:
            self.minimum, self.maximum = 0, 2**bits - 1
        else:
            self.minimum, self.maximum = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def parse(self, text: str) -> int:
        if not WHOLE_NUMBER.fullmatch(text):
            raise FieldError("Enter a whole number, like 42.")
        number = int(text)
        if not self.minimum <= number <= self.maximum:
            raise FieldError(f"Enter a number between {self.minimum} and {self.maximum}.")
        return number


class FloatField(Field):
    """A finite floating-point number."""

    input_type = "text"

    def parse(self, text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise FieldError("Enter a number, like 3.14.") from None
        if not math.isfinite(number):
            raise FieldError("Enter a finite number.")
        return number

    def format(self, value: Any) -> str:
        return "" if value is None else repr(float(value))


class DecimalField(Field):
    """An exact decimal number, checked against the column's precision and scale."""

    input_type = "text"

    def __init__(
        self, name: str, *, precision: int | None = None, scale: int | None = None, **options: Any
    ):
        super().__init__(name, **options)
        self.precision = precision
        self.scale = scale

    def parse(self, text: str) -> Decimal:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise FieldError("Enter a decimal number, like 12.50.") from None
        if not number.is_finite():
            raise FieldError("Enter a finite number.")
        _, digits, exponent = number.as_tuple()
        assert isinstance(exponent, int)
        places = max(0, -exponent)
        if self.scale is not None and places > self.scale:
            if self.scale == 0:
                raise FieldError("Enter a whole number (no decimal places).")
            raise FieldError(f"At most {self.scale} decimal places.")
        if self.precision is not None:
            whole_digits = max(0, len(digits) + exponent)
            allowed = self.precision - (self.scale or 0)
            if whole_digits > allowed:
                raise FieldError(f"At most {allowed} digits before the decimal point.")
        return number


TRUE_WORDS = frozenset({"on", "true", "1", "yes", "y"})
FALSE_WORDS = frozenset({"off", "false", "0", "no", "n"})


class BooleanField(Field):
    """Yes/no; a checkbox, or a three-way choice (unknown, yes, no) when the column is nullable."""

    @property
    def widget(self) -> str:  # type: ignore[override]
        return "tristate" if self.nullable else "checkbox"

    def coerce(self, raw: Any, *, creating: bool = False) -> Any:
        text = "" if raw is None else str(raw).strip().lower()
        if text == "":
            # an unticked checkbox is not posted at all
            return None if self.nullable else False
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise FieldError("Choose yes or no.")

    @property
    def required(self) -> bool:
        return False

    def format(self, value: Any) -> str:
        return "" if value is None else ("true" if value else "false")


class DateField(Field):
    """A calendar date, YYYY-MM-DD (what `<input type=date>` posts)."""

    input_type = "date"

    def parse(self, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise FieldError("Enter a date as YYYY-MM-DD, like 2024-03-31.") from None

    def format(self, value: Any) -> str:
        return "" if value is None else value.isoformat()


class DateTimeField(Field):
    """A date and time; read in `timezone` unless the text names an offset.

    For a timezone-aware column the value is aware; for a naive column it is the wall
    time in `timezone`.
    """

    input_type = "datetime-local"

    def __init__(self, name: str, *, aware: bool = False, timezone: tzinfo = UTC, **options: Any):
        super().__init__(name, **options)
        self.aware = aware
        self.timezone = timezone

    def parse(self, text: str) -> datetime:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise FieldError(
                "Enter a date and time as YYYY-MM-DD HH:MM, like 2024-03-31 14:30."
            ) from None
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.timezone)
        if self.aware:
            return value
        return value.astimezone(self.timezone).replace(tzinfo=None)

    def format(self, value: Any) -> str:
        if value is None:
            return ""
        if self.aware and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)  # read back from a naive store
        if value.tzinfo is not None:
            value = value.astimezone(self.timezone).replace(tzinfo=None)
        return value.isoformat(timespec="seconds")

    @property
    def timezone_name(self) -> str:
        return self.timezone.tzname(None) or str(self.timezone)


class TimeField(Field):
    """A time of day, HH:MM or HH:MM:SS."""

    input_type = "time"

    def parse(self, text: str) -> time:
        try:
            return time.fromisoformat(text)
        except ValueError:
            raise FieldError("Enter a time as HH:MM or HH:MM:SS, like 09:30.") from None

    def format(self, value: Any) -> str:
        return "" if value is None else value.isoformat(timespec="seconds")


class ChoiceField(Field):
    """One of a fixed set of values; `choices` maps the posted key to (value, label)."""

    widget = "select"

    def __init__(self, name: str, *, choices: Sequence[tuple[str, Any, str]], **options: Any):
        super().__init__(name, **options)
        self.choices = list(choices)
        self._by_key = {key: value for key, value, _ in self.choices}

    def parse(self, text: str) -> Any:
        if text not in self._by_key:
            allowed = ", ".join(label for _, _, label in self.choices)
            raise FieldError(f"Choose one of: {allowed}.")
        return self._by_key[text]

    def format(self, value: Any) -> str:
        for key, choice, _ in self.choices:
            if choice == value:
                return key
        return "" if value is None else str(value)


class JsonField(Field):
    """A JSON document, checked for syntax before it reaches the database."""

    widget = "textarea"
    strip = False

    def parse(self, text: str) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise FieldError(
                f"Not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
            ) from None

    def format(self, value: Any) -> str:
        if value is None and self.nullable:
            return ""
        return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)


class UuidField(Field):
    """A UUID; stored as `uuid.UUID` or as its text, as the column wants."""

    def __init__(self, name: str, *, as_uuid: bool = True, **options: Any):
        super().__init__(name, **options)
        self.as_uuid = as_uuid

    def parse(self, text: str) -> uuid.UUID | str:
        try:
            value = uuid.UUID(text)
        except ValueError:
            raise FieldError("Enter a UUID like 123e4567-e89b-12d3-a456-426614174000.") from None
        return value if self.as_uuid else str(value)


DEFAULT_MAX_UPLOAD = 16 * 1024 * 1024


class BinaryField(Field):
    """Bytes from a file upload; no upload keeps what is stored, "clear" empties it."""

    widget = "file"

    def __init__(self, name: str, *, max_bytes: int | None = None, **options: Any):
        super().__init__(name, **options)
        self.max_bytes = max_bytes or DEFAULT_MAX_UPLOAD

    @property
    def clear_name(self) -> str:
        return f"{self.name}__clear"

    def extract(self, form: MultiDict[str, str], files: MultiDict[str, FileStorage]) -> Any:
        upload = files.get(self.name)
        if upload is not None and upload.filename:
            return upload
        return "clear" if form.get(self.clear_name) else None

    def coerce(self, raw: Any, *, creating: bool = False) -> Any:
        if isinstance(raw, FileStorage):
            data = raw.stream.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                raise FieldError(f"The file is too large: at most {self.max_bytes:,} bytes.")
            return data
        if isinstance(raw, bytes):
            return raw
        if raw == "clear":
            if not self.nullable:
                raise FieldError("This file cannot be removed, only replaced.")
            return None
        if creating:
            return self.empty(creating=True)
        return UNSET

    def format(self, value: Any) -> str:
        return "" if value is None else f"{len(value):,} bytes"


def choices_from_names(names: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """Choices for an enumeration: the key and label are the member's name."""
    return [(key, value, key) for key, value in names.items()]
