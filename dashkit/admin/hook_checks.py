"""The checks `register()` runs on a ModelAdmin's hooks: each a method taking the
arguments dashkit calls it with, and none named after a hook of Django admin or sqladmin,
which dashkit would never call."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin

HOOKS = {
    "query": ("request",),
    "scope": ("request", "statement"),
    "search": ("request", "statement", "term"),
    "on_save": ("request", "obj", "is_new"),
    "after_save": ("request", "obj", "is_new"),
    "on_delete": ("request", "obj"),
    "after_delete": ("request", "obj"),
}
"""The hooks a subclass may override, with the arguments dashkit calls them with."""
FOREIGN_HOOKS = {
    "get_queryset": "query",
    "list_query": "query",
    "get_search_results": "search",
    "search_query": "search",
    "save_model": "on_save",
    "on_model_change": "on_save",
    "after_model_change": "after_save",
    "delete_model": "on_delete",
    "on_model_delete": "on_delete",
    "after_model_delete": "after_delete",
}
"""Hooks of Django admin and sqladmin that dashkit would never call, and its own instead."""


def check_hooks(model_admin: ModelAdmin) -> None:
    """Raise OptionError, naming model and hook, for a hook dashkit could not call."""
    for name, parameters in HOOKS.items():
        hook = getattr(model_admin, name)
        wanted = f"must be a method taking ({', '.join(parameters)})"
        if not callable(hook):
            raise model_admin.error(name, wanted)
        try:
            inspect.signature(hook).bind(*parameters)
        except TypeError:
            raise model_admin.error(name, wanted) from None
    for name, ours in FOREIGN_HOOKS.items():
        if hasattr(type(model_admin), name):
            raise model_admin.error(name, f"is not called by dashkit; override {ours}() instead")
