"""Errors of the admin."""

from __future__ import annotations

from collections.abc import Mapping

from dashkit.errors import ConfigError, DashkitError


class OptionError(ConfigError):
    """A ModelAdmin option names something the model does not have, or has a bad value."""


class WriteRefused(DashkitError):
    """A write refused with a message for the user; nothing of it is kept.

    Raise it from a ModelAdmin's `on_save`, `after_save`, `on_delete` or `after_delete`:
    `WriteRefused("Paid orders cannot be deleted.")` is shown on the form (or the
    confirmation), `WriteRefused({"ends_at": "Must be after the start."})` next to the
    named inputs. The database's refusals (`IntegrityRefusal`) and the bulk actions'
    (`ActionError`) are of this kind too.
    """

    def __init__(self, message: str | Mapping[str, str]):
        super().__init__(message)
        self.field_errors: dict[str, str] = {} if isinstance(message, str) else dict(message)
        self.form_errors: list[str] = [message] if isinstance(message, str) else []

    def __str__(self) -> str:
        fields = [f"{name}: {text}" for name, text in self.field_errors.items()]
        return "; ".join(fields + self.form_errors)
