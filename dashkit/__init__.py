"""dashkit: an admin-dashboard and internal-tools builder on Werkzeug and Jinja2."""

from importlib.metadata import PackageNotFoundError, version

from dashkit.app import App
from dashkit.errors import ConfigError, DashkitError, UrlBuildError
from dashkit.http import (
    Request,
    Response,
    abort,
    hx_push_url,
    hx_redirect,
    hx_trigger,
    json_response,
    redirect,
)
from dashkit.request_limits import body_limit
from dashkit.routing import Blueprint
from dashkit.templating import render

try:
    __version__ = version("dashkit")
except PackageNotFoundError:  # running from a checkout that is not installed
    __version__ = "0.0.0"

__all__ = [
    "App",
    "Blueprint",
    "ConfigError",
    "DashkitError",
    "Request",
    "Response",
    "UrlBuildError",
    "abort",
    "body_limit",
    "hx_push_url",
    "hx_redirect",
    "hx_trigger",
    "json_response",
    "redirect",
    "render",
]
