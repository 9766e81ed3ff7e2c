"""The `next` parameter after login: followed only when it is a path on this site."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

_MAX_DECODE_ROUNDS = 3


def safe_next_url(value: str | None) -> str | None:
    """Return `value` when it is a local path such as `/admin/order?page=2`, else None.

    Rejects other hosts in every spelling browsers accept (`//host`, `/\\host`,
    `https://host`, `javascript:`), also once or twice percent-encoded, and anything with
    whitespace or control characters, which browsers strip before parsing.
    """
    if not value or len(value) > 2000:
        return None
    candidate = value
    for _ in range(_MAX_DECODE_ROUNDS):
        if not _is_local_path(candidate):
            return None
        decoded = unquote(candidate)
        if decoded == candidate:
            return value
        candidate = decoded
    return None


def _is_local_path(text: str) -> bool:
    if not text.startswith("/") or text[1:2] in ("/", "\\"):
        return False
    if "\\" in text or any(ord(char) <= 0x20 or ord(char) == 0x7F for char in text):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc
