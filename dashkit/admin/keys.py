"""Primary keys as one URL path segment: `42`, or `7,2024-01-31` for a composite key.

Each value is written as text with `~`, `,` and `/` escaped as `~XX` (hex), so any value
fits in one segment and the commas that separate composite parts are unambiguous. A NULL
(possible in the stand-in key of a reflected view or keyless table) is written `~N`.

A segment must also survive the way browsers and servers normalise paths: `.` and `..`
are dot segments (dropped, or the parent folder) and an empty one merges with its
neighbours, so a value that is only dots has them escaped (`~2E~2E`) and the empty text
is written `~E`. Percent signs, `?`, `#` and spaces are left to the URL's own quoting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dashkit.admin.introspection import parse_value

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin

_SPECIAL = re.compile(r"[~,/]")
_ESCAPED = re.compile(r"~([0-9A-F]{2})")
NULL_PART = "~N"
EMPTY_PART = "~E"
DOT_SEGMENTS = (".", "..")


def encode_pk(values: Iterable[Any]) -> str:
    """The URL segment for a row's primary key values, in primary key column order."""
    parts = []
    for value in values:
        if type(value) is int:
            parts.append(str(value))
            continue
        if value is None:
            parts.append(NULL_PART)
            continue
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if text in DOT_SEGMENTS:
            parts.append(text.replace(".", "~2E"))
        else:
            parts.append(_SPECIAL.sub(lambda match: f"~{ord(match.group()):02X}", text) or EMPTY_PART)
    return ",".join(parts)


def decode_pk(model_admin: ModelAdmin, text: str) -> tuple[Any, ...]:
    """The primary key values a URL segment stands for; ValueError when it cannot be one."""
    names = model_admin.info.primary_key
    parts = text.split(",")
    if len(parts) != len(names):
        raise ValueError(f"expected {len(names)} key value(s), got {len(parts)}")
    values = []
    for name, part in zip(names, parts, strict=True):
        if part == NULL_PART:
            values.append(None)
            continue
        if part == EMPTY_PART:
            part = ""
        raw = _ESCAPED.sub(lambda match: chr(int(match.group(1), 16)), part)
        values.append(parse_value(model_admin.info.columns[name], raw))
    return tuple(values)


def pk_of(model_admin: ModelAdmin, obj: Any) -> str:
    """The URL segment for a loaded row."""
    return encode_pk(getattr(obj, name) for name in model_admin.info.primary_key)
