"""Exception classes of dashkit's own, each carrying a message that says what to do."""


class DashkitError(Exception):
    """Base class of every error dashkit raises on purpose."""


class ConfigError(DashkitError):
    """A setting is missing or malformed."""


class UrlBuildError(DashkitError):
    """url_for could not build a URL for an endpoint."""


class AppLoadError(DashkitError):
    """The CLI could not import or build the application named on the command line."""
