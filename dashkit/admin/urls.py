"""The admin's URLs: its pages' URLs built once per app, list URLs carrying a list's state,
and row keys quoted as URL path segments the way Werkzeug's URL map quotes them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from werkzeug.datastructures import MultiDict

from dashkit.admin.access import admin_of

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request

SEGMENT_SAFE = "!$&'()*+,/:;=@"
"""Characters Werkzeug leaves unquoted in a path segment, so both build the same URLs."""
UrlParts = tuple[str, str]
"""A URL split where a row's key goes: the key's path segment fits between the two."""


def fixed_url(request: Request, endpoint: str, **values: str) -> str:
    """`request.url_for(endpoint, **values)` for values the app's configuration fixes (slugs,
    field names, never request input): the URL map builds each one once per Admin.

    The path is kept without the app's mount point (`SCRIPT_NAME`), which is added back
    per request; URLs that point to another host are built every time.
    """
    key = (endpoint, *sorted(values.items()))
    cache = admin_of(request).cache
    path: str | None = cache.get("url_path", key)
    if path is None:
        url = request.url_for(endpoint, **values)
        if not url.startswith(request.root_path + "/"):
            return url
        path = url[len(request.root_path) :]
        cache.put("url_path", key, path)
    return request.root_path + path


def url_around(request: Request, endpoint: str, argument: str, /, **values: Any) -> UrlParts:
    """`url_for(endpoint, **values)` split where the path `argument` goes.

    `before + path_segment(value) + after` is the URL with `argument=value`: a page of rows
    quotes each row's key once and reuses it for every link of the row.
    """
    slot = "__dashkit_slot__"
    before, _, after = fixed_url(request, endpoint, **values, **{argument: slot}).partition(slot)
    return before, after


def path_segment(text: str) -> str:
    """`text` quoted as one URL path segment, as Werkzeug's URL map quotes it."""
    return quote(text, safe=SEGMENT_SAFE)


def list_url(
    request: Request, model_admin: ModelAdmin, args: MultiDict[str, str] | None = None
) -> str:
    return with_args(fixed_url(request, "admin.list", slug=model_admin.slug), args)


def with_args(url: str, args: MultiDict[str, str] | None) -> str:
    """`url` with query-string arguments (repeated keys kept)."""
    return with_query(url, encode_args(args))


def encode_args(args: MultiDict[str, str] | None) -> str:
    """Query-string arguments as a query string (repeated keys kept)."""
    return urlencode(list(args.items(multi=True))) if args else ""


def with_query(url: str, *queries: str) -> str:
    """`url` with query strings appended (empty ones left out): a page of several links
    with the same arguments encodes them once."""
    query = "&".join(filter(None, queries))
    return f"{url}?{query}" if query else url
