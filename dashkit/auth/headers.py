"""Security headers on every response, and the allowed-hosts check.

The Content-Security-Policy forbids inline script, inline styles and eval; the htmx
config in `dashkit/base.html` (no eval, no indicator styles) makes htmx 2 work under it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from dashkit.config import Config
from dashkit.http import Request, Response

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
DEFAULT_ALLOWED_HOSTS = ("localhost", "127.0.0.1", "::1")
HSTS = "max-age=31536000; includeSubDomains"
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.\-_]+))(?::[0-9]{1,5})?")


def security_headers(config: Config) -> dict[str, str]:
    """The headers every response carries, static files included."""
    return {
        "Content-Security-Policy": config.get_str("CONTENT_SECURITY_POLICY") or DEFAULT_CSP,
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }


def allowed_hosts(config: Config) -> list[str]:
    """ALLOWED_HOSTS as a list: a list setting or a comma-separated string.

    `.example.com` also allows its subdomains; `*` allows any host (only behind a proxy
    that checks the Host header itself).
    """
    value = config.get("ALLOWED_HOSTS", DEFAULT_ALLOWED_HOSTS)
    names: Iterable[str] = value.split(",") if isinstance(value, str) else value
    return [name.strip().lower() for name in names if name.strip()]


def is_allowed_host(host: str, allowed: list[str]) -> bool:
    """True when the Host header (port ignored) names one of the allowed hosts."""
    match = _HOST.fullmatch(host.lower())
    if match is None:
        return False
    if "*" in allowed:
        return True
    name = match.group("ipv6") or match.group("name")
    return any(
        name == entry or (entry.startswith(".") and (name == entry[1:] or name.endswith(entry)))
        for entry in allowed
    )


def headers_middleware(
    config: Config,
) -> Callable[[Request, Callable[[Request], Response]], Response]:
    """Middleware: 400 for a Host not allowed, then the security headers on the response.

    Install it outermost: errors raised by inner middleware (a session that cannot be
    loaded, a commit that fails) become error pages that carry the headers too.
    """
    headers = security_headers(config)
    hosts = allowed_hosts(config)

    def add_security_headers(
        request: Request, call_next: Callable[[Request], Response]
    ) -> Response:
        host = request.environ.get("HTTP_HOST") or request.environ.get("SERVER_NAME", "")
        if not is_allowed_host(host, hosts):
            response = Response(
                f"Bad Request: the host {host[:100]!r} is not in ALLOWED_HOSTS.",
                status=400,
                mimetype="text/plain",
            )
        else:
            try:
                response = call_next(request)
            except Exception as error:  # noqa: BLE001 - handled like a view error, not swallowed
                request.error = error  # teardown hooks see it, as when App.wsgi_app catches it
                response = request.app.handle_exception(request, error)
        apply_headers(response, headers, secure=request.is_secure)
        return response

    return add_security_headers


def apply_headers(response: Response, headers: Mapping[str, str], *, secure: bool) -> None:
    """Set the security headers a view did not set itself; HSTS only over HTTPS."""
    present = {name.lower() for name, _value in response.headers}
    missing = [(name, value) for name, value in headers.items() if name.lower() not in present]
    if secure and "strict-transport-security" not in present:
        missing.append(("Strict-Transport-Security", HSTS))
    response.headers.extend(missing)  # one pass over the headers, not one per name
    if response.mimetype == "text/html":
        if "vary" in present:
            response.vary.add("HX-Request")
        else:
            response.headers["Vary"] = "HX-Request"
