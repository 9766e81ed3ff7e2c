"""Python names for reflected tables, columns and relationships, shared by serve and eject."""

from __future__ import annotations

import hashlib
import keyword
import re
import unicodedata
from collections import Counter
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


PLAIN_TABLE_KEY = re.compile(r"[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)?")
"""A table name (after an optional schema) that its slug spells out, up to letter case."""
SLUG_HASH_LENGTH = 6


def url_slugs(keys: Iterable[str]) -> dict[str, str]:
    """A unique URL-safe slug per table key, derived from that key alone, so that adding or
    dropping other tables never moves a table's URL, its permissions or its saved views.

    A plain name is its own slug in lower case (`Album` → `album`, schema `sales`, table
    `region` → `sales-region`); any other name gets a readable part and a short hash of the
    exact name (`Order Details` → `order-details-` and six hex digits, `表` → `table-` and
    six). The one exception: names that differ only in case (PostgreSQL keeps `Album` and
    `album` apart) share a readable slug, which the all-lower-case one keeps while the
    others add their hash.
    """
    keys = list(keys)
    slugs = {key: _own_slug(key) for key in keys}
    taken = Counter(slugs.values())
    for key, slug in slugs.items():
        if taken[slug] > 1 and key.replace(".", "-") != slug:
            slugs[key] = f"{slug}-{_name_hash(key)}"
    return slugs


def _own_slug(key: str) -> str:
    readable = _readable_slug(key)
    if PLAIN_TABLE_KEY.fullmatch(key):
        return readable
    return f"{readable or 'table'}-{_name_hash(key)}"


def _readable_slug(key: str) -> str:
    folded = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9_-]+", "-", folded.lower()).strip("-")


def _name_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:SLUG_HASH_LENGTH]


def numbered_url_slugs(keys: Iterable[str]) -> dict[str, str]:
    """The slugs dashkit gave before they were stable: readable, numbered in the order of
    `keys` on collision (`a-b`, `a-b_2`). Only to find what stored slugs meant."""
    taken: set[str] = set()
    return {key: unique_name([_readable_slug(key) or "table"], taken) for key in keys}


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
