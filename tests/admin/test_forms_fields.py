"""Coercion of posted text into column values, one field type at a time (no database)."""

from __future__ import annotations

import enum
import io
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from werkzeug.datastructures import FileStorage, MultiDict

from dashkit.admin.edit.forms import (
    UNSET,
    BinaryField,
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    FieldError,
    FloatField,
    IntegerField,
    JsonField,
    StringField,
    TextField,
    TimeField,
    UuidField,
    coerce_form,
)


def error_of(field, raw, **options) -> str:
    with pytest.raises(FieldError) as caught:
        field.coerce(raw, **options)
    return caught.value.message


def test_string_is_kept_as_typed_and_enforces_max_length():
    field = StringField("name", max_length=5, nullable=False)
    assert field.coerce("Ayr  ") == "Ayr  "  # a save that changes nothing changes nothing
    assert error_of(field, "abcdef") == "At most 5 characters (you entered 6)."
    assert error_of(field, "   ") == "This field is required."


def test_text_keeps_whitespace_and_normalises_newlines():
    field = TextField("body")
    assert field.coerce("  one\r\ntwo ") == "  one\ntwo "
    assert field.coerce("   ") is None


def test_integer_range_follows_the_column_type():
    small = IntegerField("qty", bits=16)
    assert small.coerce(" -12 ") == -12
    assert error_of(small, "40000") == "Enter a number between -32768 and 32767."
    assert error_of(small, "1.5") == "Enter a whole number, like 42."
    assert error_of(small, "1_000") == "Enter a whole number, like 42."
    assert IntegerField("big", bits=64).coerce(str(2**62)) == 2**62
    unsigned = IntegerField("hits", unsigned=True)
    assert unsigned.coerce("4000000000") == 4_000_000_000
    assert error_of(unsigned, "-1") == "Enter a number between 0 and 4294967295."


def test_float_rejects_text_and_infinity():
    field = FloatField("ratio")
    assert field.coerce("1e3") == 1000.0
    assert error_of(field, "abc") == "Enter a number, like 3.14."
    assert error_of(field, "inf") == "Enter a finite number."
    assert field.format(0.1) == "0.1"


def test_decimal_is_exact_and_checks_precision_and_scale():
    field = DecimalField("price", precision=6, scale=2)
    value = field.coerce("1234.10")
    assert value == Decimal("1234.10") and str(value) == "1234.10"
    assert field.coerce("0.1") + field.coerce("0.2") == Decimal("0.3")
    assert error_of(field, "1.234") == "At most 2 decimal places."
    assert error_of(field, "12345.6") == "At most 4 digits before the decimal point."
    assert error_of(field, "12,5") == "Enter a decimal number, like 12.50."
    assert error_of(field, "NaN") == "Enter a finite number."
    assert error_of(DecimalField("n", precision=4, scale=0), "1.5") == (
        "Enter a whole number (no decimal places)."
    )


def test_boolean_is_a_checkbox_when_required_and_tristate_when_nullable():
    required = BooleanField("active", nullable=False)
    assert required.widget == "checkbox"
    assert required.coerce(None) is False
    assert required.coerce("on") is True
    nullable = BooleanField("verified", nullable=True)
    assert nullable.widget == "tristate"
    assert nullable.coerce("") is None
    assert nullable.coerce("false") is False
    assert error_of(nullable, "maybe") == "Choose yes or no."


def test_date_and_time():
    assert DateField("d").coerce("2024-02-29") == date(2024, 2, 29)
    assert error_of(DateField("d"), "2023-02-29") == "Enter a date as YYYY-MM-DD, like 2024-03-31."
    assert TimeField("t").coerce("09:30") == time(9, 30)
    assert error_of(TimeField("t"), "25:00") == "Enter a time as HH:MM or HH:MM:SS, like 09:30."


def test_datetime_is_timezone_aware_for_aware_columns():
    paris = timezone(timedelta(hours=1), "CET")
    aware = DateTimeField("at", aware=True, timezone=paris)
    value = aware.coerce("2024-01-10T12:00")
    assert value.utcoffset() == timedelta(hours=1)
    assert value.astimezone(UTC).hour == 11
    explicit = aware.coerce("2024-01-10T12:00+00:00")
    assert explicit.astimezone(paris).hour == 13
    assert aware.format(explicit) == "2024-01-10T13:00:00"
    naive = DateTimeField("at", aware=False, timezone=paris)
    assert naive.coerce("2024-01-10T12:00Z") == datetime(2024, 1, 10, 13, 0)
    assert error_of(aware, "tomorrow").startswith("Enter a date and time as YYYY-MM-DD HH:MM")


class Colour(enum.Enum):
    red = "R"
    green = "G"


def test_choices_accept_only_listed_keys():
    field = ChoiceField(
        "colour", choices=[("red", Colour.red, "red"), ("green", Colour.green, "green")]
    )
    assert field.coerce("green") is Colour.green
    assert field.format(Colour.red) == "red"
    assert error_of(field, "blue") == "Choose one of: red, green."


def test_json_is_validated():
    field = JsonField("data", nullable=False)
    assert field.coerce('{"a": [1, 2]}') == {"a": [1, 2]}
    assert error_of(field, '{"a": 1,}') == (
        "Not valid JSON: Expecting property name enclosed in double quotes (line 1, column 9)."
    )
    assert error_of(field, "  ") == "This field is required."


def test_uuid():
    value = uuid.uuid4()
    assert UuidField("id").coerce(str(value).upper()) == value
    assert UuidField("id", as_uuid=False).coerce(value.hex) == str(value)
    assert error_of(UuidField("id"), "not-a-uuid").startswith("Enter a UUID like")


def upload(data: bytes, name: str = "file.bin") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def test_binary_upload_keep_and_clear():
    field = BinaryField("photo", nullable=True, max_bytes=4)
    assert field.coerce(upload(b"\x00\x01")) == b"\x00\x01"
    assert field.coerce(None) is UNSET
    assert field.coerce("clear") is None
    assert error_of(field, upload(b"12345")) == "The file is too large: at most 4 bytes."
    required = BinaryField("blob", nullable=False)
    assert error_of(required, None, creating=True) == "This field is required."
    assert error_of(required, "clear") == "This file cannot be removed, only replaced."


def test_required_from_nullability_and_defaults():
    with_default = StringField("status", max_length=10, nullable=False, has_default=True)
    assert not with_default.required
    assert with_default.coerce("", creating=True) is UNSET
    assert error_of(with_default, "", creating=False) == "This field is required."
    assert StringField("x", nullable=False).required
    assert not StringField("x", nullable=True).required


def test_coerce_form_collects_every_error_and_keeps_input():
    fields = [
        StringField("name", max_length=3, nullable=False),
        IntegerField("qty", nullable=False),
        BooleanField("active", nullable=False),
        BinaryField("photo"),
    ]
    form = MultiDict({"name": "abcd", "qty": "x"})
    files = MultiDict({"photo": upload(b"png")})
    result = coerce_form(fields, form, files, creating=True)
    assert not result.ok
    assert result.errors == {
        "name": "At most 3 characters (you entered 4).",
        "qty": "Enter a whole number, like 42.",
    }
    assert result.raw["name"] == "abcd" and result.raw["qty"] == "x"
    assert result.values == {"active": False, "photo": b"png"}
