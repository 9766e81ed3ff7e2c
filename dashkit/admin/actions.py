"""Bulk actions: what a ModelAdmin can do to the rows a user selected."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dashkit.admin.edit.writes import Hooks, delete_row, primary_key_of
from dashkit.admin.errors import WriteRefused
from dashkit.admin.keys import pk_of
from dashkit.admin.rows import scoped_select
from dashkit.audit import DELETE, record

if TYPE_CHECKING:
    from dashkit.http import Request

ActionFunction = Callable[[Any, "Request", Sequence[Any]], "str | None"]


class ActionError(WriteRefused):
    """Raised by an action to refuse with a message for the user; nothing it did is kept."""


@dataclass(frozen=True)
class Action:
    """A bulk action: `function(model_admin, request, rows)` returns a message or None.

    It runs after a confirmation page, inside the request's transaction: if it raises,
    nothing it did is kept. `verb` is the permission it needs (`"<slug>.<verb>"`). It
    runs without autoflush; the rows it changes or deletes then go through the
    ModelAdmin's save and delete hooks (`edit.bulk`).
    """

    name: str
    label: str
    function: ActionFunction
    verb: str
    description: str = ""
    destructive: bool = False


ACTION_MARK = "_dashkit_action"


def action(
    label: str | None = None,
    *,
    permission: str | None = None,
    description: str = "",
    destructive: bool = False,
) -> Callable[[ActionFunction], ActionFunction]:
    """Mark a ModelAdmin method `(self, request, rows)` as a bulk action.

    `permission` is the verb it requires (default: the method's name), so a grant of
    `"order.refund"` allows `@action(permission="refund")`.
    """

    def decorator(function: ActionFunction) -> ActionFunction:
        name = function.__name__
        setattr(
            function,
            ACTION_MARK,
            Action(
                name=name,
                label=label or name.replace("_", " ").capitalize(),
                function=function,
                verb=permission or name,
                description=description,
                destructive=destructive,
            ),
        )
        return function

    return decorator


def delete_rows(model_admin: Any, request: Request, rows: Sequence[Any]) -> str:
    """Delete every selected row through the query and the delete hooks, each recorded in
    the audit trail."""
    hooks = Hooks.of(model_admin, request)
    for row in rows:
        pk = pk_of(model_admin, row)
        result = delete_row(
            request.db,
            model_admin.model,
            primary_key_of(row),
            rows=scoped_select(request, model_admin),
            hooks=hooks,
        )
        record(
            request,
            DELETE,
            model_admin.slug,
            pk,
            result.changes,
            summary=model_admin.row_label(row),
        )
    noun = model_admin.label if len(rows) == 1 else model_admin.label_plural
    return f"Deleted {len(rows)} {noun}."


DELETE_SELECTED = Action(
    name="delete_selected",
    label="Delete selected",
    function=delete_rows,
    verb="delete",
    description="These rows will be deleted permanently.",
    destructive=True,
)
