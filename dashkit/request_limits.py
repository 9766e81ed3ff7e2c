"""Request body limits: a request larger than its view accepts is refused with 413 unread.

The whole body is capped by MAX_CONTENT_LENGTH (10 MB by default), a URL-encoded form
by MAX_FORM_MEMORY_SIZE, since Werkzeug reads one at once into memory; a multipart
form's text fields by MAX_FORM_MEMORY_SIZE each and its parts by MAX_FORM_PARTS. A
view may ask for its own limit with `@body_limit(...)`, smaller (the login form) or
larger (an upload). A declared Content-Length over the limit is answered before a
byte of the body is read; a chunked body is cut off where it passes the limit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from dashkit.config import Config
from dashkit.http import Request, Response, json_response

if TYPE_CHECKING:
    from dashkit.app import Handler

F = TypeVar("F", bound=Callable[..., Any])
VIEW_LIMIT_ATTRIBUTE = "max_content_length"
URLENCODED = "application/x-www-form-urlencoded"
CHUNK = 64 * 1024
SPOOLED_IN_MEMORY = 512 * 1024
"""A body of unknown length is kept in memory up to this size, on disk beyond it."""


def body_limit(max_bytes: int) -> Callable[[F], F]:
    """Decorator: requests to this view may carry at most `max_bytes` of body."""

    def decorate(view: F) -> F:
        setattr(view, VIEW_LIMIT_ATTRIBUTE, max_bytes)
        return view

    return decorate


@dataclass(frozen=True)
class RequestLimits:
    """How much body a request may carry, in bytes, and how many form parts."""

    max_content_length: int = 10 * 1024 * 1024
    max_form_memory_size: int = 500_000
    max_form_parts: int = 1000

    @classmethod
    def from_config(cls, config: Config) -> RequestLimits:
        """From MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS."""
        return cls(
            max_content_length=config.get_int("MAX_CONTENT_LENGTH") or cls.max_content_length,
            max_form_memory_size=config.get_int("MAX_FORM_MEMORY_SIZE")
            or cls.max_form_memory_size,
            max_form_parts=config.get_int("MAX_FORM_PARTS") or cls.max_form_parts,
        )

    def limit_for(self, request: Request) -> int:
        """The most body bytes this request may send: its view's limit, else the app's."""
        limit = self.max_content_length
        try:
            rule, _ = request.url_adapter.match(return_rule=True)
        except HTTPException:  # 404, 405, redirects: the view never reads the body
            rule = None
        if rule is not None:
            view = request.app.view_functions.get(rule.endpoint)
            limit = getattr(view, VIEW_LIMIT_ATTRIBUTE, None) or limit
        if request.mimetype == URLENCODED:
            limit = min(limit, self.max_form_memory_size)
        return limit

    def middleware(self, request: Request, call_next: Handler) -> Response:
        """Apply the limits to `request`, answering 413 for a body that is too large."""
        request.max_form_memory_size = self.max_form_memory_size
        request.max_form_parts = self.max_form_parts
        chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
        if request.content_length is None and not chunked:
            return call_next(request)  # no body to limit: GET, HEAD and the like
        limit = request.max_content_length = self.limit_for(request)
        if request.content_length is not None and request.content_length > limit:
            return too_large(request, limit)
        if request.content_length is None and not _spool_body(request, limit):
            return too_large(request, limit)
        try:
            return call_next(request)
        except RequestEntityTooLarge:  # a form past its part limits
            return too_large(request, limit)


def _spool_body(request: Request, limit: int) -> bool:
    """Read a body of unknown length up to `limit`; False when it is longer.

    Werkzeug would stop reading a URL-encoded form at the limit without a word, and
    the view would save what was cut short; a known length it checks itself.
    """
    if not request.environ.get("wsgi.input_terminated"):
        return True  # Werkzeug reads no body of unknown length from such a server
    source = request.environ["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOLED_IN_MEMORY)
    size = 0
    while chunk := source.read(min(CHUNK, limit + 1 - size)):
        size += len(chunk)
        if size > limit:
            spool.close()
            return False
        spool.write(chunk)
    spool.seek(0)
    request.environ["wsgi.input"] = spool
    request.environ["CONTENT_LENGTH"] = str(size)
    del request.environ["wsgi.input_terminated"], request.environ["HTTP_TRANSFER_ENCODING"]
    return True


def too_large(request: Request, limit: int) -> Response:
    """413, as a page or JSON (htmx and API callers), saying how much is accepted."""
    detail = (
        f"The request is larger than the {_size(limit)} this page accepts, "
        f"or its form has too many or too large fields. Nothing was saved."
    )
    if request.is_htmx:  # API callers get the same JSON from the app's error response
        body = {"error": "Request Entity Too Large", "status": 413, "detail": detail}
        return json_response(body, status=413)
    return request.app.error_response(request, RequestEntityTooLarge(description=detail))


def _size(limit: int) -> str:
    for unit, size in (("MB", 1024 * 1024), ("KB", 1024)):
        if limit >= size:
            return f"{limit / size:g} {unit}"
    return f"{limit} bytes"
