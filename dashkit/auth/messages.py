"""Flash messages: kept in the session until shown, by the page or as an htmx toast."""

from __future__ import annotations

from typing import Any

from dashkit.http import Request, Response, hx_trigger

FLASH_KEY = "_flashes"
TOAST_EVENT = "dashkit:flash"
CATEGORIES = ("info", "success", "warning", "error")


def flash(request: Request, message: str, category: str = "info") -> None:
    """Show `message` on the next page this visitor sees (or as a toast for htmx)."""
    if category not in CATEGORIES:
        raise ValueError(f"flash category must be one of {', '.join(CATEGORIES)}, got {category!r}")
    pending = list(request.session.get(FLASH_KEY, ()))
    pending.append({"category": category, "message": str(message)})
    request.session[FLASH_KEY] = pending


def pop_flashes(request: Request) -> list[dict[str, Any]]:
    """Take the pending messages out of the session; each is shown once."""
    session = request.session
    pending = session.get(FLASH_KEY)
    if not pending:
        return []
    del session[FLASH_KEY]
    return list(pending)


def flashes_as_toast(request: Request, response: Response) -> None:
    """Move pending messages of an htmx request into an `HX-Trigger` toast event.

    Left in the session when htmx is about to load a whole page, which shows them.
    """
    if not request.is_htmx or 300 <= response.status_code < 400:
        return
    if any(name in response.headers for name in ("HX-Redirect", "HX-Location", "HX-Refresh")):
        return
    messages = pop_flashes(request)
    if messages:
        hx_trigger(response, TOAST_EVENT, {"messages": messages})
        response.vary.add("HX-Request")
