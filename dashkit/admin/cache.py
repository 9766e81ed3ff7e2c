"""The one place an Admin keeps what it works out from its configuration.

Building a page repeats work whose result depends only on the registry, the app's
configuration and a few named inputs: the URL of a page for a slug, the statement of a
list without search or filters, the form fields of a model, the links and actions one
permission set gets. `AdminCache` keeps such results by kind and by an explicit key that
names everything the value depends on (the ModelAdmin, the granted permission patterns,
the mount point). Nothing kept may hold a row, a user or any other part of one request:
a value that depends on who asks has who asks in its key.

`Admin.register()` and every change of a role clear it, so a model registered later is
linked at once. Each kind holds at most `KEPT_PER_KIND` entries; the next one forgets
that kind's entries (a burst of permission sets or mount points costs rebuilding, not
memory).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

KEPT_PER_KIND = 1024
"""At most this many keys of one kind are kept; then that kind is forgotten."""

V = TypeVar("V")


class AdminCache:
    """Values kept per kind and key, for one Admin; see the module's docstring."""

    def __init__(self, kept_per_kind: int = KEPT_PER_KIND):
        self.kept_per_kind = kept_per_kind
        self._kinds: dict[str, dict[Hashable, Any]] = {}

    def get_or_build(self, kind: str, key: Hashable, build: Callable[[], V]) -> V:
        """The value kept for `key` among `kind`'s, built with `build()` and kept if missing."""
        kept = self._kinds.get(kind)
        if kept is None:
            kept = self._kinds[kind] = {}
        elif key in kept:
            return kept[key]
        value = build()
        self.put(kind, key, value)
        return value

    def get(self, kind: str, key: Hashable) -> Any:
        """The value kept for `key` among `kind`'s, or None."""
        kept = self._kinds.get(kind)
        return None if kept is None else kept.get(key)

    def put(self, kind: str, key: Hashable, value: Any) -> None:
        """Keep `value` for `key` among `kind`'s (replacing one kept before)."""
        kept = self._kinds.setdefault(kind, {})
        if len(kept) >= self.kept_per_kind and key not in kept:
            kept.clear()
        kept[key] = value

    def clear(self) -> None:
        """Forget everything: the registry or the roles changed."""
        self._kinds = {}

    def size(self, kind: str) -> int:
        """How many values of `kind` are kept (for tests and diagnostics)."""
        return len(self._kinds.get(kind, ()))
