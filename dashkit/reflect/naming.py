"""Python names for reflected tables, columns and relationships, shared by serve and eject."""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable

_NOT_IDENTIFIER = re.compile(r"\W+")


def python_identifier(text: str) -> str:
    """A valid Python identifier that reads like `text`: `Order Details` → `Order_Details`."""
    text = unicodedata.normalize("NFKC", text)
    name = _NOT_IDENTIFIER.sub("_", text).strip("_") or "column"
    if name[0].isdigit():
        name = f"_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name = f"{name}_"
    return name


def class_name(table_name: str) -> str:
    """A CamelCase class name for a table: `invoice_line` → `InvoiceLine`."""
    parts = python_identifier(table_name).split("_")
    name = "".join(part[:1].upper() + part[1:] for part in parts if part)
    if not name or name[0].isdigit() or keyword.iskeyword(name):
        name = f"Table{name}"
    return name


def unique_name(candidates: Iterable[str], taken: set[str]) -> str:
    """The first candidate not in `taken` (else the last one numbered); adds it to `taken`."""
    last = ""
    for candidate in candidates:
        last = candidate
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    number = 2
    while f"{last}_{number}" in taken:
        number += 1
    taken.add(f"{last}_{number}")
    return f"{last}_{number}"


def strip_key_suffix(column_name: str) -> str:
    """`AlbumId` → `Album`, `artist_id` → `artist`; a name without such suffix is returned as is."""
    match = re.fullmatch(r"(.+?)_?(?:id|Id|ID)", column_name)
    return match.group(1) if match else column_name


def url_slugs(keys: Iterable[str]) -> dict[str, str]:
    """A unique URL-safe slug per table key: `Order Details` → `order-details`, `Bücher` → `bucher`."""
    taken: set[str] = set()
    slugs = {}
    for key in keys:
        folded = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9_-]+", "-", folded.lower()).strip("-") or "table"
        slugs[key] = unique_name([slug], taken)
    return slugs


def plural_table_labels(table_name: str) -> tuple[str, str] | None:
    """(singular, plural) labels for a table named in the plural: `order_lines` → `order line`,
    `order lines`; `Categories` → `category`, `categories`. None for a singular name."""
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", table_name).replace("_", " ").lower().split()
    if not words:
        return None
    last = words[-1]
    if not last.endswith("s") or last.endswith(("ss", "us", "is")) or len(last) < 3:
        return None
    if last.endswith("ies"):
        singular = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes")):
        singular = last[:-2]
    else:
        singular = last[:-1]
    return " ".join([*words[:-1], singular]), " ".join(words)
